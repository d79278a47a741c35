import FlowCore
import Tracing

/// One attempt at one event, as the handler sees it.
///
/// Invariant: `attempt` is 1 on the first attempt and grows by one per retry of the same record.
public struct HandlerInput: Sendable {
    /// The event as stored (handlers get a copy; changes do not persist).
    public var event: CloudEvent
    /// This attempt's number, from 1.
    public var attempt: Int
    /// The record's partition key.
    public var key: String?
    /// The topic the record was read from.
    public var topic: String
    /// Where the record is stored.
    public var position: RecordPosition
    /// The attempt's `process` span context when the run traces (the parent of the steps' spans), else nil.
    public var trace: InstrumentationContext?

    /// The input of one attempt.
    public init(
        event: CloudEvent,
        attempt: Int,
        key: String?,
        topic: String,
        position: RecordPosition,
        trace: InstrumentationContext? = nil
    ) {
        self.trace = trace
        self.event = event
        self.attempt = attempt
        self.key = key
        self.topic = topic
        self.position = position
    }
}
