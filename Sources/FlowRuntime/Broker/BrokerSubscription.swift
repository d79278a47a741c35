import Dispatch

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

    /// Stores each step's records and acks its record as one unit: on a durable backend in one transaction, so a
    /// crash keeps both or neither (a handler's emitted events with the ack of its record; a dead-letter
    /// envelope with the ack of its source). Steps are stored in order, each once all its records fit (a step
    /// larger than a partition's capacity goes in when that partition is empty). `completion` runs on `queue`
    /// for each run of steps stored together, with their index range; on failure none of those happened.
    func commit(
        _ steps: [CommitStep],
        queue: DispatchQueue,
        completion: @escaping @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
    )

    /// Records that `position` failed and waits for a retry: the group keeps `state` until it acks the
    /// record (on a durable backend across restarts) and hands it back with the record whenever the record is
    /// delivered again. Fire-and-forget, applied in order with acks.
    func retrying(_ position: RecordPosition, _ state: RetryState)

    /// Marks an attempt of the record at `position` (one handed out with `BrokerRecord.abandoned`) begun, so
    /// that should this process end before the attempt does, the next member gets the record with one more
    /// abandoned attempt. A concluded attempt clears the marks (its retry state or its ack). `then` runs on
    /// `queue` once the mark is stored: the attempt starts only after it, so a handler that ends its process
    /// at once is still counted.
    func beginning(_ position: RecordPosition, queue: DispatchQueue, then start: @escaping @Sendable () -> Void)

    /// Extends the lease of records still being worked on (a no-op under `Lease.infinite`).
    func renew(_ positions: [RecordPosition])

    /// Whether the member may start handling the record at `position` now. A backend that moves partitions
    /// between processes (Redis) answers false once the member cannot be sure it still owns the record's
    /// partition (its lease lapsed unrenewed, or the partition is being handed to another member); the runner
    /// then gives the record back with `release` instead of starting it. Cheap; called from the runner's queue.
    func holds(_ position: RecordPosition) -> Bool

    /// Gives back delivered records the member will not handle because `holds` said no: their credit returns,
    /// and the backend delivers them again to whichever member owns their partition (this one, once its lease
    /// is renewed). Nothing is acked.
    func release(_ positions: [RecordPosition])

    /// Leaves the group: the member's partitions go to the remaining members, and its unacked records are
    /// delivered again from the committed watermark. `completion` runs once the backend has applied it.
    func close(completion: @escaping @Sendable () -> Void)
}

extension BrokerSubscription {
    /// A member of a backend whose records stay reserved until acked or until the member leaves
    /// (`Lease.infinite`) always holds what it was given.
    public func holds(_ position: RecordPosition) -> Bool { true }

    /// Never asked of a member that always `holds`: there is nothing to give back.
    public func release(_ positions: [RecordPosition]) {}

    /// A backend that never hands out `BrokerRecord.abandoned` keeps no marks: the attempt starts at once (on
    /// the caller's queue, which is `queue`).
    public func beginning(
        _ position: RecordPosition,
        queue: DispatchQueue,
        then start: @escaping @Sendable () -> Void
    ) {
        start()
    }
}

/// One record's outcome for `BrokerSubscription.commit`: the records it produced and its ack.
public struct CommitStep: Sendable {
    public var batches: [PublishBatch]
    public var ack: RecordPosition

    public init(batches: [PublishBatch], ack: RecordPosition) {
        self.batches = batches
        self.ack = ack
    }
}

/// Records for one topic, stored as part of a `CommitStep`.
public struct PublishBatch: Sendable {
    public var topic: String
    public var records: [OutgoingRecord]
    /// Store at once, full or not (see `Broker.publish`).
    public var pastCapacity: Bool

    public init(topic: String, records: [OutgoingRecord], pastCapacity: Bool = false) {
        self.topic = topic
        self.records = records
        self.pastCapacity = pastCapacity
    }
}
