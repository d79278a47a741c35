import Dispatch

/// A backend-neutral event broker: the memory backend implements it today; an embedded SQLite store and
/// Redis Streams (XADD / XREADGROUP / XACK / XAUTOCLAIM) are designed to implement it next.
///
/// The model every backend keeps:
/// - A topic is `partitions` append-only logs; a record's offset is its index in its partition's log.
///   A record's key picks its partition (`PartitionKey`); records without a key go round-robin.
/// - A consumer group is declared on a topic before producers start and begins at the earliest retained
///   offset. Every group sees every record; the members of a group share the partitions (each partition
///   has one owner member at a time, so order per partition — and so per key — holds within a group).
/// - Records are pushed to members in offset order per partition, at most `window` unacknowledged records
///   per member (the credit window), so memory is bounded by the window, not the backlog.
/// - Acks are per record and may come in any order. Per group and partition the backend derives the
///   committed watermark: the lowest offset not yet acked. Everything below it is done for that group.
/// - A delivered record is leased to its member; an unacked record whose member leaves (or whose finite
///   lease expires) is delivered again: delivery is at least once.
/// - Backpressure: when a partition already holds `capacity` records not yet acked by the slowest group,
///   records bound for it wait (in order, behind earlier ones for it); records for other partitions are
///   stored. `publish` completes only when every record of the batch is stored. `offer` never waits: it
///   stores what can be stored now and refuses the rest, for sources that can tell their sender "full".
/// - A topic with no group keeps up to `retention` records per partition for inspection; older ones are
///   evicted and counted in `TopicStats.evicted` (never silently).
public protocol Broker: AnyObject, Sendable {
    /// Creates a topic; declaring an identical spec again is a no-op, a different one an error.
    func declare(_ topic: TopicSpec) async throws(BrokerError)

    /// Creates consumer group `group` on `topic`, starting at the earliest retained offset; idempotent.
    func declareGroup(_ group: String, on topic: String) async throws(BrokerError)

    /// Stores `records` in order per partition and then calls `completion` on `queue`. A record whose
    /// partition is full waits, and so does every later record (of this or later batches) bound for that
    /// partition; a keyless record waits until some partition has room. The producer is slowed, memory stays
    /// flat, order per key holds; completions of different batches may come in any order. With
    /// `pastCapacity` the records are stored at once, full or not, ahead of waiting records: for a
    /// consumer's publishes that close a cycle back to its own source (`Pipeline.feedbackTopics`, one edge
    /// per cycle), which would otherwise wait for room only the cycle itself can make.
    func publish(
        _ records: [OutgoingRecord],
        to topic: String,
        pastCapacity: Bool,
        queue: DispatchQueue,
        completion: @escaping @Sendable (Result<Void, BrokerError>) -> Void
    )

    /// Stores each of `records` that fits now, without waiting, then calls `completion` on `queue` with one
    /// flag per record: stored, or refused because its partition is full. A refused record is not stored,
    /// ever. Once a partition refuses a record it refuses the rest of the batch too, and while records of
    /// earlier `publish` batches wait for a partition it refuses records for it, so order per key holds.
    func offer(
        _ records: [OutgoingRecord],
        to topic: String,
        queue: DispatchQueue,
        completion: @escaping @Sendable (Result<[Bool], BrokerError>) -> Void
    )

    /// Stores a producer's steps in order, each whole (all its records or none, like
    /// `BrokerSubscription.commit`), and with them, in the same transaction on a durable backend, the checkpoint
    /// of the last step stored: a crash keeps a record and the position after it, or neither. A step waits
    /// until all its records fit, and the steps after it wait behind it (also those of later calls from the
    /// same producer). `completion` runs on `queue` for each run of steps stored together, with their index
    /// range; on failure none of those happened.
    func publish(
        _ steps: [ProducerStep],
        from producer: String,
        queue: DispatchQueue,
        completion: @escaping @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
    )

    /// The checkpoint stored last for `producer`; nil when it has none.
    func checkpoint(of producer: String) async throws(BrokerError) -> ProducerCheckpoint?

    /// Joins a group as a member; records are then pushed to `sink` on `request.queue`.
    func subscribe(
        _ request: SubscriptionRequest,
        sink: any DeliverySink
    ) async throws(BrokerError) -> any BrokerSubscription

    /// Counters and offsets of `topic` at this moment.
    func stats(of topic: String) async throws(BrokerError) -> TopicStats

    /// Whether what the broker stored outlives the process: records a run did not handle are then left for
    /// the next run, not lost.
    var isDurable: Bool { get }
}

extension Broker {
    /// In-process brokers are not durable; durable backends say so.
    public var isDurable: Bool { false }

    /// `publish` within capacity: waits while a target partition is full.
    public func publish(
        _ records: [OutgoingRecord],
        to topic: String,
        queue: DispatchQueue,
        completion: @escaping @Sendable (Result<Void, BrokerError>) -> Void
    ) {
        publish(records, to: topic, pastCapacity: false, queue: queue, completion: completion)
    }
}
