@_exported import FlowCore
import FlowRuntime
import FlowYAML
import Foundation

@_exported import struct FlowRuntime.RunOptions
@_exported import struct FlowRuntime.RunSummary
@_exported import class FlowRuntime.SwiftHandlerContext
@_exported import enum FlowRuntime.SwiftHandlerFailure
@_exported import struct FlowRuntime.SwiftHandlerRegistry

/// Embeds flow in a Swift program: register handlers, validate, run.
///
/// ```swift
/// var engine = FlowEngine()
/// engine.handlers.register("pay") { event, context in event }
/// let summary = try await engine.run(file: "pipeline.yml", untilIdle: true)
/// ```
///
/// Invariant: `validate` and `run` use the same loader with the same registered handler names, so a file
/// that validates through an engine runs on it, and a `swift:` step naming an unregistered handler is
/// reported by both.
public struct FlowEngine: Sendable {
    public var handlers = SwiftHandlerRegistry()
    /// Variables `${env.NAME}` reads; the process environment by default.
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The loader, reporting an `exec` program that cannot be found with `severity` (`command-not-found`). The
    /// programs are looked up where the run will start them: with this process's environment and directory
    /// (`environment` above is only what `${env.NAME}` reads).
    private func loader(_ severity: Severity) -> PipelineLoader {
        PipelineLoader(
            options: LoaderOptions(
                environment: environment,
                swiftHandlers: handlers.names,
                commands: LoaderOptions.CommandCheck(
                    currentDirectory: FileManager.default.currentDirectoryPath,
                    environment: ProcessInfo.processInfo.environment,
                    severity: severity
                )
            )
        )
    }

    /// Every problem in the file, as `flow validate` reports them.
    public func validate(file: String) -> [Diagnostic] {
        loader(.warning).load(contentsOf: file).diagnostics
    }

    /// The checked pipeline, or `FlowEngineError.invalid` with its diagnostics; as for `flow run`, an `exec`
    /// program that cannot be found is an error.
    public func load(file: String) throws(FlowEngineError) -> Pipeline {
        let result = loader(.error).load(contentsOf: file)
        guard let pipeline = result.pipeline else { throw .invalid(result.diagnostics) }
        return pipeline
    }

    /// Runs the pipeline in `file` until it is idle (`untilIdle`) or `duration` has passed, then shuts it
    /// down and returns the summary. `summary.failed` says whether every event was delivered as promised.
    public func run(
        file: String,
        untilIdle: Bool = true,
        for duration: Duration? = nil,
        options: RunOptions = RunOptions()
    ) async throws -> RunSummary {
        let pipeline = try load(file: file)
        var options = options
        options.swiftHandlers = handlers
        let run = PipelineRun(pipeline: pipeline, options: options)
        try await run.start()
        await withTaskGroup(of: Void.self) { group in
            if untilIdle { group.addTask { await run.waitUntilIdle() } }
            if let duration { group.addTask { await run.sleep(duration) } }
            await group.next()
            group.cancelAll()
        }
        await run.shutdown()
        return await run.summary()
    }
}

/// Why an engine could not run a file.
public enum FlowEngineError: Error, CustomStringConvertible {
    /// The file does not load; each diagnostic says where and why.
    case invalid([Diagnostic])

    public var description: String {
        switch self {
        case .invalid(let diagnostics): diagnostics.map(\.description).joined(separator: "\n")
        }
    }
}
