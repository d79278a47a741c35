import ArgumentParser
import FlowCore
import FlowYAML
import Foundation

/// `flow graph`: a picture of producers → topics → consumers → emitted topics, dead-letter edges dashed.
public struct GraphCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a pipeline's topology as Mermaid or Graphviz DOT.",
        discussion: """
            Examples:
              flow graph pipelines/fan-out.yml                 # Mermaid, for Markdown
              flow graph --format dot pipelines/fan-out.yml | dot -Tsvg > fan-out.svg
            """
    )

    @Option(name: .long, help: "mermaid or dot.")
    var format: GraphFormat = .mermaid

    @Argument(help: "The pipeline file.")
    var file: String

    public init() {}

    public func run() throws {
        let result = PipelineLoader(options: LoaderOptions(environment: ProcessInfo.processInfo.environment))
            .load(contentsOf: file)
        guard let pipeline = result.pipeline else {
            var sources = SourceCache()
            if let text = result.source { sources.add(text, for: file) }
            Terminal.printError(
                DiagnosticRenderer.render(
                    result.diagnostics,
                    format: .text,
                    sources: sources,
                    fileCount: 1,
                    color: false
                )
            )
            throw ExitCode(1)
        }
        print(GraphRenderer.render(pipeline, format: format))
    }
}
