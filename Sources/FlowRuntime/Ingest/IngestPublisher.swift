import Dispatch
import FlowCore
import Synchronization

/// Publishes ingested events to one topic, answering within a bounded wait so that an HTTP client is told
/// "full" instead of being held while the topic is at capacity.
///
/// Invariants:
/// - `publish` returns `.stored` only after the broker has stored the event;
/// - it returns `.full` when the broker has not stored the event within `wait`, or at once when `limit`
///   publishes are already pending (so a flood of refused requests cannot pile up in memory). An event
///   answered `.full` after its wait is still stored once the topic has room (the client may send it again:
///   delivery is at least once);
/// - the key is the topic's key of the event (`TopicKeys`), as for every other producer.
final class IngestPublisher: Sendable {
    /// The outcome of one publish.
    enum Result: Sendable, Equatable {
        case stored
        case full
        /// The event cannot be published (its key does not evaluate, the broker refused it).
        case rejected(String)
    }

    let broker: any Broker
    let topic: String
    let keys: TopicKeys
    let scheduler: any FlowScheduler
    let queue: DispatchQueue
    let wait: Duration
    let limit: Int
    /// Called for every stored event, on `queue`.
    let onStored: @Sendable () -> Void
    private let pending = Mutex(0)
    /// Requests waiting for the next flush: concurrent requests share one broker publish (one hop each way
    /// for the whole batch instead of per request).
    private let batch = Mutex<[(record: OutgoingRecord, answer: Answer, timer: ScheduledWork)]>([])

    init(
        broker: any Broker,
        topic: String,
        keys: TopicKeys,
        scheduler: any FlowScheduler,
        queue: DispatchQueue,
        wait: Duration = .milliseconds(100),
        limit: Int = 1024,
        onStored: @escaping @Sendable () -> Void = {}
    ) {
        self.broker = broker
        self.topic = topic
        self.keys = keys
        self.scheduler = scheduler
        self.queue = queue
        self.wait = wait
        self.limit = limit
        self.onStored = onStored
    }

    /// Publishes still waiting for the broker, including those already answered `.full`.
    var pendingCount: Int { pending.withLock { $0 } }

    /// Hands `event` to the broker and reports whether it was stored in time.
    func publish(_ event: CloudEvent) async -> Result {
        let key: String?
        do {
            key = try keys.key(for: event, on: topic)
        } catch {
            return .rejected("the key of topic \"\(topic)\" cannot be computed: \(error.message)")
        }
        let admitted = pending.withLock { count in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard admitted else { return .full }
        return await withCheckedContinuation { continuation in
            let answer = Answer(continuation)
            let timer = scheduler.schedule(after: wait, on: queue) { answer(.full) }
            let first = batch.withLock { waiting in
                waiting.append((OutgoingRecord(key: key, event: event), answer, timer))
                return waiting.count == 1
            }
            if first { scheduler.execute(on: queue) { self.flush() } }
        }
    }

    /// Publishes every waiting request as one batch and answers each when the batch is stored.
    private func flush() {
        let waiting = batch.withLock { waiting in
            defer { waiting = [] }
            return waiting
        }
        guard !waiting.isEmpty else { return }
        broker.publish(waiting.map(\.record), to: topic, queue: queue) { [self] result in
            pending.withLock { $0 -= waiting.count }
            for request in waiting {
                request.timer.cancel()
                switch result {
                case .success:
                    onStored()
                    request.answer(.stored)
                case .failure(let error):
                    request.answer(.rejected("topic \"\(topic)\" refused the event: \(error)"))
                }
            }
        }
    }

    /// Resumes a continuation with the first result it is given and ignores the rest.
    private final class Answer: Sendable {
        private let continuation: Mutex<CheckedContinuation<Result, Never>?>

        init(_ continuation: CheckedContinuation<Result, Never>) {
            self.continuation = Mutex(continuation)
        }

        func callAsFunction(_ result: Result) {
            let pending = continuation.withLock { state in
                defer { state = nil }
                return state
            }
            pending?.resume(returning: result)
        }
    }
}
