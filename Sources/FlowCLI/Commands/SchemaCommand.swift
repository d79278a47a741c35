import ArgumentParser
import FlowYAML

/// `flow schema`: the pipeline language as JSON Schema, generated from the validator's own description.
public struct SchemaCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (2020-12) of the pipeline language, or of test files.",
        discussion: """
            The schema is generated from the description `flow validate` checks against, so the two agree. \
            Point your editor's YAML extension at it for completion and hover documentation:

              flow schema > flow.schema.json
              # first line of a pipeline file:
              # yaml-language-server: $schema=./flow.schema.json

            `flow schema --tests` prints the schema of *.test.yml files (`flow test`) instead.
            """
    )

    /// What to print.
    public enum Format: String, CaseIterable, ExpressibleByArgument {
        /// JSON Schema 2020-12.
        case json
        /// The key reference of docs/language.md.
        case markdown
    }

    @Option(name: .long, help: "json (JSON Schema) or markdown (the key reference of docs/language.md).")
    var format: Format = .json

    @Flag(name: .long, help: "The schema of *.test.yml files (flow test) instead of pipelines (json only).")
    var tests = false

    public init() {}

    public func validate() throws {
        if tests, format != .json { throw ValidationError("--tests prints JSON Schema only; drop --format") }
    }

    public func run() throws {
        if tests {
            print(JSONSchemaExporter.testDocument().prettyJSONString)
            return
        }
        switch format {
        case .json: print(JSONSchemaExporter.document().prettyJSONString)
        case .markdown: print(LanguageReference.markdown(), terminator: "")
        }
    }
}
