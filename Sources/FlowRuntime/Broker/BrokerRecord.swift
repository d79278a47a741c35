import FlowCore

/// A stored record as a consumer receives it.
///
/// Invariant: `(position.partition, position.offset)` identifies the record within its topic; `key` is the
/// partition key it was published with.
public struct BrokerRecord: Sendable {
    /// Where the record is stored.
    public var position: RecordPosition
    /// The partition key it was published with; nil for round-robin records.
    public var key: String?
    /// The stored event, unchanged by the broker.
    public var event: CloudEvent
    /// Set when the group's member reported it waiting for a retry (`BrokerSubscription.retrying`).
    public var retry: RetryState?

    /// A record as a backend hands it out.
    public init(position: RecordPosition, key: String?, event: CloudEvent, retry: RetryState? = nil) {
        self.position = position
        self.key = key
        self.event = event
        self.retry = retry
    }
}
