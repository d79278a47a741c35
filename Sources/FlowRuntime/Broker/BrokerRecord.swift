import FlowCore

/// A stored record as a consumer receives it.
///
/// Invariant: `(position.partition, position.offset)` identifies the record within its topic; `key` is the
/// partition key it was published with.
public struct BrokerRecord: Sendable {
    public var position: RecordPosition
    public var key: String?
    public var event: CloudEvent

    public init(position: RecordPosition, key: String?, event: CloudEvent) {
        self.position = position
        self.key = key
        self.event = event
    }
}
