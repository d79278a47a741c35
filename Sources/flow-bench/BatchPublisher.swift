import Dispatch
import FlowRuntime

/// Publishes numbered batches to one topic in order, with at most `maxInFlight` batches handed to the broker
/// and not yet stored: the next batch goes out only when a publish completion comes back (backpressure).
///
/// `@unchecked Sendable`: `next` and `inFlight` are touched only on `queue` (publish completions run there).
final class BatchPublisher: @unchecked Sendable {
    private let broker: any Broker
    private let topic: String
    private let batches: Int
    private let maxInFlight: Int
    private let make: @Sendable (Int) -> [OutgoingRecord]
    private let queue = DispatchQueue(label: "flow-bench.publisher")
    private var next = 0
    private var inFlight = 0
    /// Opens once every batch is stored.
    let finished = Latch()

    /// A publisher of `batches` batches; `make(i)` builds batch `i` (on the publisher's queue).
    init(
        broker: any Broker,
        topic: String,
        batches: Int,
        maxInFlight: Int,
        make: @escaping @Sendable (Int) -> [OutgoingRecord]
    ) {
        self.broker = broker
        self.topic = topic
        self.batches = batches
        self.maxInFlight = maxInFlight
        self.make = make
    }

    /// Starts publishing.
    func start() {
        queue.async { self.fill() }
    }

    private func fill() {
        while inFlight < maxInFlight, next < batches {
            let records = make(next)
            next += 1
            inFlight += 1
            broker.publish(records, to: topic, queue: queue) { result in
                if case .failure(let error) = result { fatalError("flow-bench: publish failed: \(error)") }
                self.inFlight -= 1
                self.fill()
            }
        }
        if next == batches, inFlight == 0 { finished.open() }
    }
}
