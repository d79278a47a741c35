import FlowCore

/// One partition's log in a `MemoryBroker`: records `base..<end`.
///
/// Invariants: `base <= floor <= end` once a group exists; offsets are dense and never reused.
struct MemoryPartition {
    var log = RingBuffer<BrokerRecord>()
    /// Offset of the first retained record.
    var base: Int64 = 0
    /// Lowest offset some group has not committed (meaningful only while the topic has groups).
    var floor: Int64 = 0

    /// The offset the next record gets.
    var end: Int64 { base + Int64(log.count) }

    func record(at offset: Int64) -> BrokerRecord {
        log[Int(offset - base)]
    }

    mutating func append(key: String?, event: CloudEvent, partition: Int) {
        log.append(BrokerRecord(position: RecordPosition(partition: partition, offset: end), key: key, event: event))
    }

    /// Drops retained records with offsets below `offset`; returns how many.
    @discardableResult
    mutating func drop(below offset: Int64) -> Int {
        let n = Int(max(0, min(offset, end) - base))
        log.removeFirst(n)
        base += Int64(n)
        return n
    }
}
