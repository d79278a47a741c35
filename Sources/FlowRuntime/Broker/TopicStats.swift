/// A topic's counters and offsets at one moment.
///
/// Invariants: per partition, `committed[group][p] <= endOffsets[p]`; `published` counts every record ever
/// stored; `retained + evicted + trimmed == published`, where trimmed records are those every group acked.
public struct TopicStats: Sendable, Hashable {
    /// The topic.
    public var name: String
    /// Records stored since the topic was declared.
    public var published: Int
    /// Records still held in memory or storage.
    public var retained: Int
    /// Records dropped by the retention bound of a topic with no group.
    public var evicted: Int
    /// Per partition, the offset the next record will get.
    public var endOffsets: [Int64]
    /// Per group, per partition, the committed watermark (lowest offset not yet acked).
    public var committed: [String: [Int64]]
    /// Publish batches waiting for room.
    public var waitingPublishes: Int

    /// A snapshot as a backend reports it.
    public init(
        name: String,
        published: Int,
        retained: Int,
        evicted: Int,
        endOffsets: [Int64],
        committed: [String: [Int64]],
        waitingPublishes: Int
    ) {
        self.name = name
        self.published = published
        self.retained = retained
        self.evicted = evicted
        self.endOffsets = endOffsets
        self.committed = committed
        self.waitingPublishes = waitingPublishes
    }

    /// Records `group` has not committed yet, over all partitions; nil for an unknown group.
    public func lag(of group: String) -> Int? {
        guard let offsets = committed[group] else { return nil }
        return zip(endOffsets, offsets).reduce(0) { $0 + Int($1.0 - $1.1) }
    }
}
