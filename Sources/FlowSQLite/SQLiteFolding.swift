import FlowRuntime

/// What one transaction's changes fold into, so it runs fewer statements for the same resulting state: one
/// ack change per group of a topic (all its positions, each partition's highest watermark, so an ack that the
/// final watermark covers is never inserted and deleted again), one drop per partition (the highest bound, the
/// evictions summed), one checkpoint per producer (the last).
///
/// Invariant: a folded change applies at the index of the last change it folds, and the others are skipped, so
/// whatever came before any of them (a retry state an ack clears, a record a drop removes) still comes first.
struct SQLiteFolding {
    /// The folded positions and watermarks of a group's acks, by the index where they apply.
    let acks: [Int: (positions: [RecordPosition], committed: [Int: Int64])]
    /// The folded bound and evictions of a partition's drops, by the index where they apply.
    let drops: [Int: (below: Int64, evicted: Int)]
    /// The indexes of the checkpoints that apply (each producer's last).
    let checkpoints: Set<Int>

    init(_ changes: [SQLiteChange]) {
        struct Group: Hashable {
            let topic, group: String
        }
        struct Partition: Hashable {
            let topic: String
            let partition: Int
        }
        var acks: [Group: (last: Int, positions: [RecordPosition], committed: [Int: Int64])] = [:]
        var drops: [Partition: (last: Int, below: Int64, evicted: Int)] = [:]
        var checkpoints: [String: Int] = [:]
        for (index, change) in changes.enumerated() {
            switch change {
            case .acks(let positions, let topic, let group, let committed):
                let key = Group(topic: topic, group: group)
                var folded = acks.removeValue(forKey: key) ?? (index, [], [:])  // removed: appended in place
                folded.last = index
                folded.positions += positions
                folded.committed.merge(committed, uniquingKeysWith: max)
                acks[key] = folded
            case .drop(let topic, let partition, let below, let evicted):
                let key = Partition(topic: topic, partition: partition)
                let folded = drops[key] ?? (index, below, 0)
                drops[key] = (index, max(folded.below, below), folded.evicted + evicted)
            case .checkpoint(let producer, _):
                checkpoints[producer] = index
            case .topic, .group, .record, .retry, .begun, .clean:
                break
            }
        }
        self.acks = Dictionary(uniqueKeysWithValues: acks.values.map { ($0.last, ($0.positions, $0.committed)) })
        self.drops = Dictionary(uniqueKeysWithValues: drops.values.map { ($0.last, ($0.below, $0.evicted)) })
        self.checkpoints = Set(checkpoints.values)
    }
}
