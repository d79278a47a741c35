import FlowCore
import Logging
import Synchronization

/// What a Swift handler knows about the attempt, and how it emits further events.
///
/// Invariant: events passed to `emit` are published, in order, only if the handler returns normally, and
/// before the source event is committed (the same at-least-once rule as the `emit` step).
public final class SwiftHandlerContext: Sendable {
    /// 1 on the first attempt.
    public let attempt: Int
    /// The consumer running the step.
    public let consumer: String
    /// The consumer's logger, with `flow.consumer` and `flow.event_id` set.
    public let logger: Logger

    private let emissions = Mutex<[EmittedEvent]>([])

    public init(attempt: Int, consumer: String, logger: Logger) {
        self.attempt = attempt
        self.consumer = consumer
        self.logger = logger
    }

    /// Publishes `event` to `topic` (with the topic's key unless `key` is given) once the handler succeeds.
    public func emit(_ event: CloudEvent, to topic: String, key: String? = nil) {
        emissions.withLock { $0.append(EmittedEvent(topic: topic, key: key, event: event)) }
    }

    /// The events emitted so far.
    public var emitted: [EmittedEvent] { emissions.withLock { $0 } }
}
