/// A member's membership in a consumer group, returned by `Broker.subscribe`.
///
/// Invariants: the member acks every record it was given exactly once (duplicates and stale acks are
/// ignored by the backend, never double-counted); each ack returns one credit of the window.
public protocol BrokerSubscription: AnyObject, Sendable {
    /// How long delivered records stay reserved for this member.
    var lease: Lease { get }

    /// Marks records done for this group; the committed watermark advances past every prefix of acked
    /// offsets. Fire-and-forget: the backend applies acks in the order they were sent.
    func ack(_ positions: [RecordPosition])

    /// Extends the lease of records still being worked on (a no-op under `Lease.infinite`).
    func renew(_ positions: [RecordPosition])

    /// Leaves the group: the member's partitions go to the remaining members, and its unacked records are
    /// delivered again from the committed watermark. `completion` runs once the backend has applied it.
    func close(completion: @escaping @Sendable () -> Void)
}
