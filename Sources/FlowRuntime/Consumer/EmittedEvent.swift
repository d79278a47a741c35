import FlowCore

/// An event a handler produced, bound for `topic` with partition key `key`.
public struct EmittedEvent: Sendable {
    public var topic: String
    public var key: String?
    public var event: CloudEvent

    public init(topic: String, key: String? = nil, event: CloudEvent) {
        self.topic = topic
        self.key = key
        self.event = event
    }
}
