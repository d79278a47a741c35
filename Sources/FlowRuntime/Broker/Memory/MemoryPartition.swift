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
    /// One past the last record that may be delivered: `end` in memory, the last committed record under a
    /// journal (`base <= durable <= end`).
    var durable: Int64 = 0

    init() {}

    /// A partition holding `records` (dense offsets from `base`), all of them durable.
    init(base: Int64, records: [BrokerRecord]) {
        self.base = base
        for record in records { log.append(record) }
        floor = base
        durable = base + Int64(records.count)
    }

    /// The offset the next record gets.
    var end: Int64 { base + Int64(log.count) }

    func record(at offset: Int64) -> BrokerRecord {
        log[Int(offset - base)]
    }

    /// Appends a record at `end` and returns it.
    mutating func append(key: String?, event: CloudEvent, partition: Int) -> BrokerRecord {
        let record = BrokerRecord(position: RecordPosition(partition: partition, offset: end), key: key, event: event)
        log.append(record)
        return record
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
