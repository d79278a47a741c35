import ArgumentParser
import FlowRuntime

/// Scenario (b): 4 partitions read with concurrency 4, 64 keys, the same no-op step.
struct PartitionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partitions",
        abstract: "4 partitions × concurrency 4, 64 keys, a no-op step."
    )

    @Option(help: "Events to publish.")
    var count = 2_000_000

    @Option(help: "Partitions of the topic.")
    var partitions = 4

    @Option(help: "Handler attempts running at once.")
    var concurrency = 4

    @Option(help: "Distinct partition keys.")
    var keys = 64

    @OptionGroup var publishing: PublishOptions

    func run() async throws {
        let (batch, inFlight, window) = (publishing.batch, publishing.inFlight, publishing.window)
        let names = (0..<keys).map { "key-\($0)" }
        let batches = BrokerBench.prebuilt(count, size: batch) {
            OutgoingRecord(key: names[$0 % names.count], event: BrokerBench.smallEvent($0))
        }
        let bench = BrokerBench(
            partitions: partitions,
            concurrency: concurrency,
            batchSize: batch,
            maxInFlight: inFlight,
            window: window
        )
        var flow = try await bench.run(count: count) { batches[$0] }
        flow.peakRSS = ProcessMemory.peakResident
        let raw = await RawHandOff.measure(count: count) { $0 }
        ResultTable.print(
            "partitions: \(partitions) partitions, concurrency \(concurrency), \(keys) keys, no-op step",
            [flow, raw],
            notes: [ResultTable.ratio(flow, raw)]
        )
    }
}
