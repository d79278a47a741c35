import FlowRuntime

/// One change the broker journaled, as the writer will apply it.
enum SQLiteChange {
    case topic(TopicSpec)
    case group(String, topic: String, starts: [Int64])
    case record(BrokerRecord, topic: String)
    case acks([RecordPosition], topic: String, group: String, committed: [Int: Int64])
    case drop(topic: String, partition: Int, below: Int64, evicted: Int)
    case checkpoint(String, ProducerCheckpoint)
    case retry(RecordPosition, topic: String, group: String, RetryState)

}

/// What one transaction's changes fold into, so it runs fewer statements for the same resulting state: one
/// ack change per group of a topic (all its positions, each partition's highest watermark, so an ack that the
/// final watermark covers is never inserted and deleted again), one drop per partition (the highest bound, the
/// evictions summed), one checkpoint per producer (the last).
///
/// Invariant: a folded change applies at the index of the last change it folds, and the others are skipped, so
/// whatever came before any of them (a retry state an ack clears, a record a drop removes) still comes first.
struct SQLiteFolding {
    /// The folded positions and watermarks of a group's acks, by the index where they apply.
    private(set) var acks: [Int: (positions: [RecordPosition], committed: [Int: Int64])] = [:]
    /// The folded bound and evictions of a partition's drops, by the index where they apply.
    private(set) var drops: [Int: (below: Int64, evicted: Int)] = [:]
    /// The indexes of the checkpoints that apply (each producer's last).
    private(set) var checkpoints: Set<Int> = []

    init(_ changes: [SQLiteChange]) {
        struct Group: Hashable {
            let topic, group: String
        }
        struct Partition: Hashable {
            let topic: String
            let partition: Int
        }
        var ackIndex: [Group: Int] = [:]
        var dropIndex: [Partition: Int] = [:]
        var checkpointIndex: [String: Int] = [:]
        for (index, change) in changes.enumerated() {
            switch change {
            case .acks(let positions, let topic, let group, let committed):
                var folded =
                    ackIndex[Group(topic: topic, group: group)].flatMap { acks.removeValue(forKey: $0) }
                    ?? ([], [:])
                folded.positions += positions
                folded.committed.merge(committed, uniquingKeysWith: max)
                acks[index] = folded
                ackIndex[Group(topic: topic, group: group)] = index
            case .drop(let topic, let partition, let below, let evicted):
                let key = Partition(topic: topic, partition: partition)
                var folded = dropIndex[key].flatMap { drops.removeValue(forKey: $0) } ?? (below, 0)
                folded.below = max(folded.below, below)
                folded.evicted += evicted
                drops[index] = folded
                dropIndex[key] = index
            case .checkpoint(let producer, _):
                if let earlier = checkpointIndex[producer] { checkpoints.remove(earlier) }
                checkpoints.insert(index)
                checkpointIndex[producer] = index
            case .topic, .group, .record, .retry:
                break
            }
        }
    }
}
