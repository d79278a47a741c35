import FlowCore
import Foundation

/// The one loader `flow validate` and `flow run` share: text → YAML nodes → checks → `Pipeline`.
///
/// Invariant: `pipeline` is non-nil exactly when `diagnostics` holds no error, so lint never passes a file
/// that run would reject.
public struct PipelineLoader: Sendable {
    public var options: LoaderOptions

    public init(options: LoaderOptions = LoaderOptions()) {
        self.options = options
    }

    /// The outcome of loading one file.
    public struct Result: Sendable {
        public var pipeline: Pipeline?
        public var diagnostics: [Diagnostic]
        /// The file's text, for rendering excerpts (nil when it could not be read).
        public var source: String?
    }

    /// Reads and loads the file at `path` (as the user wrote it: diagnostics repeat it verbatim).
    public func load(contentsOf path: String) -> Result {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            return Result(
                pipeline: nil,
                diagnostics: [
                    .error(
                        .fileUnreadable,
                        exists ? "cannot read \"\(path)\"" : "no such file \"\(path)\"",
                        at: SourceLocation(file: path, line: 1, column: 1),
                        hint: exists ? "check the file's permissions" : "check the path"
                    )
                ],
                source: nil
            )
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return Result(
                pipeline: nil,
                diagnostics: [
                    .error(
                        .fileUnreadable,
                        "\"\(path)\" is not UTF-8 text",
                        at: SourceLocation(file: path, line: 1, column: 1),
                        hint: "save the file as UTF-8"
                    )
                ],
                source: nil
            )
        }
        return load(text: text, file: path)
    }

    /// Loads pipeline text; `file` names it in diagnostics.
    public func load(text: String, file: String) -> Result {
        let parsed = YAMLParser.parse(text, file: file, limits: options.limits)
        var diagnostics = parsed.diagnostics
        guard let root = parsed.root, !parsed.diagnostics.hasErrors else {
            if parsed.root == nil, !diagnostics.hasErrors {
                diagnostics.append(
                    .error(
                        .missingKey,
                        "the file is empty",
                        at: SourceLocation(file: file, line: 1, column: 1),
                        hint: "start with \"version: 1\" and a \"topics:\" mapping"
                    )
                )
            }
            return Result(pipeline: nil, diagnostics: diagnostics.sortedForDisplay(), source: text)
        }
        var validator = SchemaValidator(environment: options.environment)
        validator.check(root, against: .object(PipelineSchema.root), key: nil, context: "the pipeline")
        diagnostics += validator.diagnostics
        guard root.mapping != nil else {
            return Result(pipeline: nil, diagnostics: diagnostics.sortedForDisplay(), source: text)
        }
        var decoder = PipelineDecoder(
            environment: options.environment,
            file: file,
            swiftHandlers: options.swiftHandlers
        )
        let pipeline = decoder.decode(root)
        diagnostics += decoder.diagnostics
        let checker = SemanticChecker(
            pipeline: pipeline,
            references: decoder.references,
            consumerKeys: decoder.consumerKeys
        )
        diagnostics += checker.check()
        if let commands = options.commands {
            diagnostics += checker.missingCommands(commands)
        }
        let unique = Array(Set(diagnostics)).sortedForDisplay()
        return Result(pipeline: unique.hasErrors ? nil : pipeline, diagnostics: unique, source: text)
    }
}
