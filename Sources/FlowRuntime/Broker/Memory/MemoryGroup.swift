/// A consumer group on one `MemoryTopic`: per-partition cursors and the members sharing the partitions.
///
/// Invariants (touched only on the broker's queue):
/// - per partition, `committed` is the lowest offset this group has not acked; `acked[i]` tells whether
///   offset `committed + i` is acked, for every offset delivered so far (`committed + acked.count` is the
///   highest delivered offset plus one);
/// - each partition has at most one owner; owners are assigned round-robin by join order
///   (partition `p` → member `p % members.count`).
final class MemoryGroup {
    struct Cursor {
        var committed: Int64
        /// The next offset to deliver to the owner.
        var next: Int64
        var acked = RingBuffer<Bool>()
        /// Retry states of records not acked yet, by offset.
        var retries: [Int64: RetryState] = [:]
        /// Records not acked yet that the process before a restart may have been handling (`takenOverBound`
        /// of them at most), with the attempts begun on them since and never finished: their attempts are
        /// marked begun before they start (`BrokerRecord.abandoned`). Empty for a group that never restarted.
        var takenOver: [Int64: Int] = [:]
        var owner: MemoryMember?

        init(start: Int64) {
            committed = start
            next = start
        }

        /// One past the highest offset ever delivered.
        var delivered: Int64 { committed + Int64(acked.count) }
    }

    /// How many unacked records of each partition a restart treats as taken over: the process before it had
    /// at most its credit window (512 unless a consumer's concurrency is higher) delivered and unacked.
    static let takenOverBound = 1024

    let name: String
    var cursors: [Cursor]
    var members: [MemoryMember] = []

    init(name: String, starts: [Int64]) {
        self.name = name
        cursors = starts.map(Cursor.init(start:))
    }

    /// A group resuming at its restored watermarks; offsets it acked above them count as delivered and acked,
    /// those between as delivered and not acked, so they are delivered again and the acked ones skipped. The
    /// first `takenOverBound` unacked records of each partition (when the state was left by a crash), and any
    /// with begun marks, are taken over.
    init(name: String, restoring restored: RestoredTopic.Group, partitions: [MemoryPartition], afterCrash: Bool) {
        self.name = name
        cursors = partitions.indices.map { p in
            let committed = p < restored.committed.count ? max(restored.committed[p], 0) : partitions[p].base
            var cursor = Cursor(start: committed)
            if p < restored.retries.count { cursor.retries = restored.retries[p].filter { $0.key >= committed } }
            let acked = Set(p < restored.acked.count ? restored.acked[p] : [])
            if let highest = acked.max(), highest >= committed {
                for offset in committed...highest { cursor.acked.append(acked.contains(offset)) }
            }
            var offset = committed
            while afterCrash, cursor.takenOver.count < Self.takenOverBound, offset < partitions[p].end {
                if !acked.contains(offset) { cursor.takenOver[offset] = 0 }
                offset += 1
            }
            if p < restored.begun.count {
                for (offset, count) in restored.begun[p] where offset >= committed && !acked.contains(offset) {
                    cursor.takenOver[offset] = count
                }
            }
            return cursor
        }
    }

    /// Gives partition `p` to member `p % members.count`; a partition that changes owner is delivered again
    /// from its committed watermark (skipping offsets already acked).
    func rebalance() {
        for member in members { member.partitions.removeAll(keepingCapacity: true) }
        for p in cursors.indices {
            let owner = members.isEmpty ? nil : members[p % members.count]
            if cursors[p].owner !== owner {
                cursors[p].owner = owner
                cursors[p].next = cursors[p].committed
            }
            owner?.partitions.append(p)
        }
    }
}
