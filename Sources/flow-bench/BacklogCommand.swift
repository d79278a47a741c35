import ArgumentParser
import FlowCore
import FlowRuntime

/// Scenario (e): 1,000,000 events published as fast as backpressure allows into a topic with the default
/// capacity while one consumer drains it; peak RSS shows memory is bounded by the buffers, not the backlog.
///
/// Events are built as they are published (never all up front) and carry a 100-byte payload, so that an
/// unbounded queue would show in the RSS. The raw hand-off runs after, with its own peak.
struct BacklogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backlog",
        abstract: "Peak RSS while 1M events pass through a topic with default capacity."
    )

    @Option(help: "Events to publish.")
    var count = 1_000_000

    @OptionGroup var publishing: PublishOptions

    /// An event with a 100-byte payload in an object, numbered `index`: heap-allocated like real data.
    static func event(_ index: Int) -> CloudEvent {
        CloudEvent(
            id: "backlog-event-\(index)",
            source: "flow-bench",
            type: "Backlog",
            data: .object(["n": .int(index), "payload": .string(String(repeating: "x", count: 100))])
        )
    }

    func run() async throws {
        let (batch, inFlight, window) = (publishing.batch, publishing.inFlight, publishing.window)
        let eventSize = Self.measureEventSize()
        let baseline = ProcessMemory.resident ?? 0
        let canReset = ProcessMemory.resetPeak()
        let sampler = RSSSampler()
        sampler.start()
        let size = batch
        let total = count
        let bench = BrokerBench(batchSize: batch, maxInFlight: inFlight, window: window)
        var flow = try await bench.run(count: count) { index in
            (index * size..<min(total, (index + 1) * size)).map { OutgoingRecord(event: Self.event($0)) }
        }
        let sampled = sampler.stop()
        flow.peakRSS = ProcessMemory.peakResident
        let raw = await RawHandOff.measure(count: count) { Self.event($0) }
        let capacity = Pipeline.Topic.defaultCapacity
        let held = capacity + window + inFlight * batch
        ResultTable.print(
            "backlog: \(ResultTable.grouped(count)) events, capacity \(capacity), window \(window), "
                + "batches of \(batch), \(inFlight) in flight",
            [flow, raw],
            notes: [
                ResultTable.ratio(flow, raw),
                "RSS before the flow run: \(ResultTable.megabytes(baseline)); peak VmRSS sampled every 10 ms during the "
                    + "flow run: \(ResultTable.megabytes(sampled.peak)) (\(sampled.samples) samples)",
                "peak RSS reset between runs: \(canReset ? "yes (/proc/self/clear_refs)" : "no: raw includes flow's")",
                "event size (measured, 10,000 events): \(eventSize) bytes; bound = (capacity + window + "
                    + "in flight × batch) × size = \(ResultTable.grouped(held)) × \(eventSize) B = "
                    + "\(ResultTable.megabytes(held * eventSize)); the whole backlog would be "
                    + "\(ResultTable.megabytes(count * eventSize))",
            ]
        )
    }

    /// Bytes of resident memory per event held in an array, measured over 10,000 events.
    private static func measureEventSize() -> Int {
        let before = ProcessMemory.resident ?? 0
        let events = (0..<10_000).map { OutgoingRecord(event: event($0)) }
        let after = ProcessMemory.resident ?? 0
        return withExtendedLifetime(events) { max(0, after - before) / events.count }
    }
}
