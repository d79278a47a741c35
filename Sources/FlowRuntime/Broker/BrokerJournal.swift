import FlowCore

/// Where a `MemoryBroker` writes what it changes, so that a durable backend can keep it: the memory broker
/// stays the one engine for order, credit and backpressure, the journal makes its state outlive the process.
///
/// Invariants the broker keeps (every call comes on the broker's queue, in the order of the changes):
/// - a record is delivered to a member, and a publish or offer completes, only after `afterCommit` reported
///   that the transaction holding the record committed;
/// - everything journaled within one turn of the broker's queue lands in the same transaction, so a change
///   made in one turn (a record's ack and the records stored with it) is kept whole or not at all;
/// - acks are journaled after they are applied in memory; losing an ack in a crash only means redelivery.
public protocol BrokerJournal: AnyObject, Sendable {
    /// A topic was declared (or declared again with a new capacity or retention).
    func declared(_ spec: TopicSpec)
    /// A group was created on `topic` starting at `starts` (one committed watermark per partition).
    func declaredGroup(_ group: String, on topic: String, starts: [Int64])
    /// `record` was stored in `topic`.
    func stored(_ record: BrokerRecord, in topic: String)
    /// `group` acked `positions` of `topic`; `committed` holds the new watermark of every partition it advanced.
    func acked(_ positions: [RecordPosition], of topic: String, group: String, committed: [Int: Int64])
    /// `group` will retry `position` of `topic` as `state` says (until it acks it); its begun marks are gone.
    func retrying(_ position: RecordPosition, of topic: String, group: String, _ state: RetryState)
    /// `group` began an attempt of `position` of `topic`, a record handed out again after a restart: `count`
    /// attempts of it are now begun and unfinished (`AbandonedAttempts`), until its ack or its next retry state.
    func began(_ position: RecordPosition, of topic: String, group: String, count: Int)
    /// Records of `topic`'s `partition` below `offset` are gone (acked by every group, or `evicted` of them by
    /// the retention bound of a topic no group reads).
    func dropped(in topic: String, partition: Int, below offset: Int64, evicted: Int)
    /// `producer` got as far as `checkpoint`, with the records journaled in the same turn.
    func checkpointed(_ producer: String, at checkpoint: ProducerCheckpoint)
    /// Runs `work` on the broker's queue once everything journaled before this call is durable, with the
    /// error that kept it from being so.
    func afterCommit(_ work: @escaping @Sendable (BrokerError?) -> Void)
}

/// A topic's state as a durable backend read it back: what `MemoryBroker.restore` rebuilds.
///
/// Invariants: one partition entry per partition of the topic; per partition, `records` are dense offsets from
/// `base`; a group's `committed[p] >= base[p]`, and its `acked[p]` are offsets above its watermark.
public struct RestoredTopic: Sendable {
    /// One partition: the offset of its first kept record and the kept records in offset order.
    public struct Partition: Sendable {
        public var base: Int64
        public var records: [BrokerRecord]

        public init(base: Int64, records: [BrokerRecord]) {
            self.base = base
            self.records = records
        }
    }

    /// One group's watermark, the offsets it acked above it, the retry state of records it has not acked, and
    /// the attempts begun on records handed out again after an earlier restart and never finished, per
    /// partition.
    public struct Group: Sendable {
        public var committed: [Int64]
        public var acked: [[Int64]]
        public var retries: [[Int64: RetryState]]
        public var begun: [[Int64: Int]]

        public init(
            committed: [Int64],
            acked: [[Int64]],
            retries: [[Int64: RetryState]] = [],
            begun: [[Int64: Int]] = []
        ) {
            self.committed = committed
            self.acked = acked
            self.retries = retries
            self.begun = begun
        }
    }

    public var partitions: [Partition]
    public var groups: [String: Group]
    /// Records dropped by the retention bound so far.
    public var evicted: Int
    /// Whether the process that left this state may have been in the middle of attempts (it did not end
    /// with every attempt finished): its groups then take over their first unacked records
    /// (`MemoryGroup.takenOverBound`), besides those with begun marks.
    public var resumesAfterCrash = true

    public init(partitions: [Partition], groups: [String: Group], evicted: Int) {
        self.partitions = partitions
        self.groups = groups
        self.evicted = evicted
    }
}
