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

    @Option(help: "Events per publish batch.")
    var batch = 256

    @Option(help: "Publish batches handed to the broker and not yet stored, at most.")
    var inFlight = 4

    @Option(help: "The consumer's credit window: records delivered and not yet committed, at most.")
    var window = ConsumerConfiguration.defaultWindow

    func run() async throws {
        let batches = BrokerBench.prebuilt(count, size: batch) { OutgoingRecord(event: BrokerBench.smallEvent($0)) }
        let bench = BrokerBench(batchSize: batch, maxInFlight: inFlight, window: window)
        var flow = try await bench.run(count: count) { batches[$0] }
        flow.peakRSS = ProcessMemory.peakResident
        ProcessMemory.resetPeak()
        var raw = await RawHandOff(count: count) { $0 }.run()
        raw.peakRSS = ProcessMemory.peakResident
        ResultTable.print(
            "one-to-one: 1 partition, concurrency 1, no-op step, batches of \(batch), \(inFlight) in flight",
            [flow, raw],
            notes: [ResultTable.ratio(flow, raw)]
        )
    }
}
