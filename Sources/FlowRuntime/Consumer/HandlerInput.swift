import FlowCore

/// One attempt at one event, as the handler sees it.
///
/// Invariant: `attempt` is 1 on the first attempt and grows by one per retry of the same record.
public struct HandlerInput: Sendable {
    public var event: CloudEvent
    public var attempt: Int
    public var key: String?
    public var topic: String
    public var position: RecordPosition

    public init(event: CloudEvent, attempt: Int, key: String?, topic: String, position: RecordPosition) {
        self.event = event
        self.attempt = attempt
        self.key = key
        self.topic = topic
        self.position = position
    }
}
