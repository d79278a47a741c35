import Dispatch
import FlowCore
import Synchronization
import Tracing

/// Publishes ingested events to one topic without ever waiting for room, so an HTTP client is told "full"
/// at once instead of being held while the topic is at capacity.
///
/// Invariants:
/// - `publish` returns `.stored` only after the broker has stored the event, and `.full` only for an event
///   the broker refused and will never store (`Broker.offer`): a client that sends it again after a 503
///   creates no duplicate;
/// - concurrent requests share one broker call (one hop each way for the whole batch, not per request);
/// - the key is the topic's key of the event (`TopicKeys`), as for every other producer.
final class IngestPublisher: Sendable {
    /// The outcome of one publish.
    enum Result: Sendable, Equatable {
        case stored
        case full
        /// The event cannot be published: its key does not evaluate (the sender's fault).
        case rejected(String)
        /// The broker failed (flow's fault, not the sender's); nothing was stored.
        case failed(String)
    }

    let broker: any Broker
    let topic: String
    let keys: TopicKeys
    let scheduler: any FlowScheduler
    let queue: DispatchQueue
    /// Called for every stored event, on `queue`.
    let onStored: @Sendable () -> Void
    /// The run's tracer: each event gets a `send` span, a child of the trace context it came with.
    let tracing: EventTracer?
    /// Requests waiting for the next flush.
    private let batch = Mutex<[(record: OutgoingRecord, answer: CheckedContinuation<Result, Never>)]>([])

    init(
        broker: any Broker,
        topic: String,
        keys: TopicKeys,
        scheduler: any FlowScheduler,
        queue: DispatchQueue,
        onStored: @escaping @Sendable () -> Void = {},
        tracing: EventTracer? = nil
    ) {
        self.tracing = tracing
        self.broker = broker
        self.topic = topic
        self.keys = keys
        self.scheduler = scheduler
        self.queue = queue
        self.onStored = onStored
    }

    /// Offers `event` to the broker and reports whether it was stored.
    func publish(_ event: CloudEvent) async -> Result {
        guard let tracing else { return await offer(event) }
        var event = event
        let span = tracing.startSend(&event, to: topic)
        let result = await offer(event)
        switch result {
        case .stored: break
        case .full: span.setStatus(SpanStatus(code: .error, message: "topic \"\(topic)\" is full"))
        case .rejected(let message), .failed(let message): span.setStatus(SpanStatus(code: .error, message: message))
        }
        span.end()
        return result
    }

    private func offer(_ event: CloudEvent) async -> Result {
        let key: String?
        do {
            key = try keys.key(for: event, on: topic)
        } catch {
            return .rejected("the key of topic \"\(topic)\" cannot be computed: \(error.message)")
        }
        return await withCheckedContinuation { continuation in
            let first = batch.withLock { waiting in
                waiting.append((OutgoingRecord(key: key, event: event), continuation))
                return waiting.count == 1
            }
            if first { scheduler.execute(on: queue) { self.flush() } }
        }
    }

    /// Offers every waiting request as one batch and answers each with its record's fate.
    private func flush() {
        let waiting = batch.withLock { waiting in
            defer { waiting = [] }
            return waiting
        }
        guard !waiting.isEmpty else { return }
        broker.offer(waiting.map(\.record), to: topic, queue: queue) { [self] result in
            switch result {
            case .success(let stored):
                for (request, isStored) in zip(waiting, stored) {
                    if isStored { onStored() }
                    request.answer.resume(returning: isStored ? .stored : .full)
                }
            case .failure(let error):
                for request in waiting {
                    request.answer.resume(returning: .failed("topic \"\(topic)\" cannot store events: \(error)"))
                }
            }
        }
    }
}
