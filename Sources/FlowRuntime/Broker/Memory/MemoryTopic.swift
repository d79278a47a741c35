import Dispatch

/// One topic of a `MemoryBroker`: its partitions, groups and waiting publishes.
///
/// Invariant: touched only on the broker's queue (the broker checks with `dispatchPrecondition`).
///
/// `@unchecked Sendable`: journal callbacks carry it across queues but touch it only on the broker's queue.
final class MemoryTopic: @unchecked Sendable {
    /// A publish batch that did not fit yet; `pending` are its records not stored, in order, each with the
    /// partition its key picks (nil without a key).
    struct WaitingPublish {
        var records: [OutgoingRecord]
        var pending: [(index: Int, partition: Int?)]
        var queue: DispatchQueue
        var completion: @Sendable (Result<Void, BrokerError>) -> Void
    }

    let spec: TopicSpec
    var partitions: [MemoryPartition]
    var groups: [MemoryGroup] = []
    /// Batches with records still waiting for room, oldest first.
    var waiting: [WaitingPublish] = []
    var roundRobin = 0
    var published = 0
    var evicted = 0

    init(spec: TopicSpec) {
        self.spec = spec
        partitions = Array(repeating: MemoryPartition(), count: spec.partitions)
    }

    /// The partitions some waiting keyed record is bound for: later records for them must wait behind it.
    func waitingPartitions() -> Set<Int> {
        var partitions = Set<Int>()
        for batch in waiting {
            for record in batch.pending {
                if let p = record.partition { partitions.insert(p) }
            }
        }
        return partitions
    }

    /// The partition `record`'s key picks; nil for a keyless record (any partition will do).
    func partition(of record: OutgoingRecord) -> Int? {
        record.key.map { PartitionKey.partition(for: $0, partitions: spec.partitions) }
    }

    func group(named name: String) -> MemoryGroup? {
        groups.first { $0.name == name }
    }

    /// Whether partition `p` can take one more record without exceeding `capacity` for its slowest group.
    func hasRoom(in p: Int) -> Bool {
        groups.isEmpty || partitions[p].end - partitions[p].floor < Int64(spec.capacity)
    }

    /// How many more records partition `p` takes before it is full (unbounded while the topic has no group).
    func room(in p: Int) -> Int {
        groups.isEmpty ? Int.max / 2 : spec.capacity - Int(partitions[p].end - partitions[p].floor)
    }

    /// Whether partition `p` holds nothing its slowest group has not acked.
    func isEmpty(_ p: Int) -> Bool {
        partitions[p].end == partitions[p].floor
    }

    /// Recomputes partition `p`'s floor (lowest offset some group still needs) and drops records below it;
    /// returns whether any were dropped.
    @discardableResult
    func trim(_ p: Int) -> Bool {
        guard !groups.isEmpty else { return false }
        var floor = partitions[p].end
        for group in groups { floor = min(floor, group.cursors[p].committed) }
        partitions[p].floor = floor
        partitions[p].durable = max(partitions[p].durable, floor)
        return partitions[p].drop(below: floor) > 0
    }
}
