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
    /// Set by a backend that hands out again a record an earlier member was given and never acked (on Redis,
    /// one claimed from the pending list, maybe from a process that died): that member may have been in the
    /// middle of an attempt. The runner records each attempt of such a record as failed before starting it
    /// (`BrokerSubscription.retrying`), so a record whose handling ends its process uses up its attempt budget
    /// instead of being handed from process to process forever.
    public var redelivered: Bool

    /// A record as a backend hands it out.
    public init(
        position: RecordPosition,
        key: String?,
        event: CloudEvent,
        retry: RetryState? = nil,
        redelivered: Bool = false
    ) {
        self.position = position
        self.key = key
        self.event = event
        self.retry = retry
        self.redelivered = redelivered
    }
}
