import FlowCore

/// An event a handler produced, bound for `topic` with partition key `key`.
public struct EmittedEvent: Sendable {
    /// The target topic.
    public var topic: String
    /// The partition key in the target topic; nil for round-robin.
    public var key: String?
    /// The event to publish.
    public var event: CloudEvent

    /// An event for `topic`.
    public init(topic: String, key: String? = nil, event: CloudEvent) {
        self.topic = topic
        self.key = key
        self.event = event
    }
}
