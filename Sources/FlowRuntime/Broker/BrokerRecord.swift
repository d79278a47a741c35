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
    /// one claimed from the pending list, maybe from a process that died mid-attempt): the runner marks each
    /// attempt of it begun (`BrokerSubscription.beginning`) before starting it, and gives it up once the
    /// abandoned ones reach the limit. Nil for a record delivered for the first time.
    public var abandoned: AbandonedAttempts?

    /// A record as a backend hands it out.
    public init(
        position: RecordPosition,
        key: String?,
        event: CloudEvent,
        retry: RetryState? = nil,
        abandoned: AbandonedAttempts? = nil
    ) {
        self.position = position
        self.key = key
        self.event = event
        self.retry = retry
        self.abandoned = abandoned
    }
}
