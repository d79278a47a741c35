import ArgumentParser

/// `flow-bench`: throughput, latency and memory of `flow run` on the memory broker (docs/performance.md).
///
/// Every scenario prints a Markdown table with the flow figure, a raw `DispatchQueue.async` hand-off of the
/// same count, and `ratio = flow / raw`. Build and run it in release: `swift run -c release flow-bench <scenario>`.
@main
struct FlowBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flow-bench",
        abstract: "Measure flow's memory broker and runtime against a raw DispatchQueue hand-off.",
        subcommands: [
            OneToOneCommand.self, PartitionsCommand.self, PipelineCommand.self, LatencyCommand.self,
            BacklogCommand.self, DurableCommand.self, RedisCommand.self,
        ]
    )
}
