import ArgumentParser
import FlowCore
import FlowYAML
import Foundation

/// `flow validate`: the CI gate. Loads every file with the loader `flow run` uses and reports every problem.
public struct ValidateCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check pipeline files and report every problem at once.",
        discussion: """
            Runs the same loader as `flow run`, so a file that validates also loads for running. Test files \
            (*.test.yml, see `flow test`) are checked too, with the pipeline each names. \
            Exit status: 0 when clean (warnings allowed unless --strict), 1 when any file has an error, \
            64 for a usage mistake.

            Examples:
              flow validate pipelines/                 # every *.yml and *.yaml below it
              flow validate --format github pipelines/ # annotations in GitHub Actions
              flow validate --format sarif . > flow.sarif
            """
    )

    @Option(name: .long, help: "Output format: text, json, github or sarif.")
    var format: DiagnosticFormat = .text

    @Flag(name: .long, help: "Treat warnings as errors.")
    var strict = false

    @Option(
        name: .customLong("swift-handlers"),
        parsing: .upToNextOption,
        help: "Names of the Swift handlers your program registers (files with swift: steps run embedded)."
    )
    var swiftHandlers: [String] = []

    @Flag(name: .long, inversion: .prefixedNo, help: "Colour text output (default: when stdout is a terminal).")
    var color: Bool?

    @Argument(help: "Pipeline files, or directories to search for *.yml and *.yaml.")
    var paths: [String]

    public init() {}

    public func validate() throws {
        if paths.isEmpty { throw ValidationError("name at least one pipeline file or directory") }
    }

    public func run() throws {
        let outcome = Self.validate(
            paths: paths,
            format: format,
            strict: strict,
            color: color ?? (format == .text && Terminal.stdoutSupportsColor),
            environment: ProcessInfo.processInfo.environment,
            swiftHandlers: swiftHandlers.isEmpty ? nil : Set(swiftHandlers)
        )
        if !outcome.output.isEmpty {
            print(outcome.output, terminator: outcome.output.hasSuffix("\n") ? "" : "\n")
        }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }

    /// The whole command as a function, for tests and for embedding: the rendered report and the exit code.
    public static func validate(
        paths: [String],
        format: DiagnosticFormat,
        strict: Bool,
        color: Bool = false,
        environment: [String: String],
        swiftHandlers: Set<String>? = nil,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> (output: String, exitCode: Int32) {
        let (files, missing) = PipelineFiles.expand(paths)
        let loader = PipelineLoader(
            options: LoaderOptions(
                environment: environment,
                swiftHandlers: swiftHandlers,
                // A warning here: CI may validate where the handlers' runtimes are not installed.
                commands: LoaderOptions.CommandCheck(
                    currentDirectory: currentDirectory,
                    environment: environment,
                    severity: .warning
                )
            )
        )
        var diagnostics = missing
        var sources = SourceCache()
        for file in files {
            // A test file (`tests:` and no `topics:`) is checked as one, with the pipeline it names.
            if let text = try? String(contentsOfFile: file, encoding: .utf8), TestFileLoader.isTestFile(text) {
                sources.add(text, for: file)
                diagnostics += TestFileLoader().load(text: text, file: file).diagnostics
                continue
            }
            let result = loader.load(contentsOf: file)
            if let text = result.source { sources.add(text, for: file) }
            diagnostics += result.diagnostics
        }
        if strict {
            diagnostics = diagnostics.map { diagnostic in
                var promoted = diagnostic
                if promoted.severity == .warning { promoted.severity = .error }
                return promoted
            }
        }
        let output = DiagnosticRenderer.render(
            diagnostics,
            format: format,
            sources: sources,
            fileCount: files.count,
            color: color
        )
        return (output, diagnostics.hasErrors ? 1 : 0)
    }
}
