import ArgumentParser
import FlowCore
import FlowYAML
import Foundation

/// `flow explain`: what happens to a failing event in each consumer, computed from its policy by the same
/// `RetrySchedule` the delivery rules of `flow validate` use.
public struct ExplainCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show what happens to a failing event: each attempt's window, the dead letter, the breaker.",
        discussion: """
            For each consumer (or the one named): every attempt's earliest and latest start (the jitter \
            bounds, and every earlier attempt running to its timeout), the timeout, what happens after the \
            last attempt, what a permanent failure does, what the circuit breaker does, and what is held \
            back while the event retries. Computed from the file alone, nothing runs.

            Exit status: 0, 1 when the file does not load or names no such consumer, 64 for a usage mistake.

            Examples:
              flow explain pipelines/retry-and-dlq.yml
              flow explain examples/ecommerce/pipeline.yml payment
            """
    )

    @Argument(help: "The pipeline file.")
    var file: String

    @Argument(help: "Only this consumer (default: every consumer).")
    var consumer: String?

    public init() {}

    public func run() throws {
        let loaded = PipelineLoader(options: LoaderOptions(environment: ProcessInfo.processInfo.environment))
            .load(contentsOf: file)
        guard let pipeline = loaded.pipeline else {
            var sources = SourceCache()
            if let text = loaded.source { sources.add(text, for: file) }
            print(
                DiagnosticRenderer.render(
                    loaded.diagnostics,
                    format: .text,
                    sources: sources,
                    fileCount: 1,
                    color: false
                )
            )
            throw ExitCode(1)
        }
        let consumers = pipeline.consumers.filter { consumer == nil || $0.name == consumer }
        if let consumer, consumers.isEmpty {
            let names = pipeline.consumers.map(\.name)
            let hint =
                Suggestion.hint(for: consumer, in: names) ?? "its consumers are: " + names.joined(separator: ", ")
            Terminal.printError("flow explain: \(file) has no consumer \"\(consumer)\"; \(hint)")
            throw ExitCode(1)
        }
        print(consumers.map { ConsumerExplanation.text($0, in: pipeline) }.joined(separator: "\n\n"))
    }
}
