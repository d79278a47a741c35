import ArgumentParser
import FlowRuntime

/// Scenario (a): one topic, one partition, one consumer with a no-op step.
struct OneToOneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "one-to-one",
        abstract: "One topic, one partition, one consumer with a no-op step."
    )

    @Option(help: "Events to publish.")
    var count = 2_000_000

    @OptionGroup var publishing: PublishOptions

    func run() async throws {
        let (batch, inFlight, window) = (publishing.batch, publishing.inFlight, publishing.window)
        let batches = BrokerBench.prebuilt(count, size: batch) { OutgoingRecord(event: BrokerBench.smallEvent($0)) }
        let bench = BrokerBench(batchSize: batch, maxInFlight: inFlight, window: window)
        var flow = try await bench.run(count: count) { batches[$0] }
        flow.peakRSS = ProcessMemory.peakResident
        let raw = await RawHandOff.measure(count: count) { $0 }
        ResultTable.print(
            "one-to-one: 1 partition, concurrency 1, no-op step, batches of \(batch), \(inFlight) in flight",
            [flow, raw],
            notes: [ResultTable.ratio(flow, raw)]
        )
    }
}
