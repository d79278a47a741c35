import FlowCore
import FlowRuntime
import Foundation

/// Reads a stored topic back for `MemoryBroker.restore`.
///
/// Invariant: read-only; run on the writer queue before the topic's first change of this run.
enum SQLiteLoader {
    /// The stored shape of topic `name` (its partition count) and its state; nil when it was never stored.
    static func topic(
        _ name: String,
        in connection: SQLiteConnection
    ) throws(SQLiteStoreError) -> (
        partitions: Int, state: RestoredTopic
    )? {
        let shape = try connection.prepare("SELECT partitions, evicted FROM topics WHERE name = ?")
        shape.bind(.text(name))
        guard try shape.step() else { return nil }
        let count = Int(shape.int64(0))
        let evicted = Int(shape.int64(1))
        shape.reset()

        var partitions = Array(repeating: RestoredTopic.Partition(base: 0, records: []), count: count)
        let bases = try connection.prepare("SELECT partition, base FROM partitions WHERE topic = ?")
        bases.bind(.text(name))
        while try bases.step() {
            let p = Int(bases.int64(0))
            if p >= 0 && p < count { partitions[p].base = bases.int64(1) }
        }
        let records = try connection.prepare(
            "SELECT partition, offset, key, event FROM records WHERE topic = ? ORDER BY partition, offset"
        )
        records.bind(.text(name))
        while try records.step() {
            let p = Int(records.int64(0))
            let offset = records.int64(1)
            guard p >= 0, p < count, offset == partitions[p].base + Int64(partitions[p].records.count),
                let event = CloudEvent(storedJSON: records.blob(3))
            else {
                records.reset()
                throw SQLiteStoreError(
                    path: connection.path,
                    "the store is corrupt: record \(p):\(offset) of topic \"\(name)\" cannot be read back"
                )
            }
            let key = records.isNull(2) ? nil : records.text(2)
            partitions[p].records.append(
                BrokerRecord(position: RecordPosition(partition: p, offset: offset), key: key, event: event)
            )
        }

        var groups: [String: RestoredTopic.Group] = [:]
        let empty = RestoredTopic.Group(
            committed: partitions.map(\.base),
            acked: Array(repeating: [], count: count)
        )
        let cursors = try connection.prepare("SELECT grp, partition, committed FROM groups WHERE topic = ?")
        cursors.bind(.text(name))
        while try cursors.step() {
            guard let group = cursors.text(0) else { continue }
            let p = Int(cursors.int64(1))
            guard p >= 0, p < count else { continue }
            groups[group, default: empty].committed[p] = max(cursors.int64(2), partitions[p].base)
        }
        let acks = try connection.prepare("SELECT grp, partition, offset FROM acks WHERE topic = ?")
        acks.bind(.text(name))
        while try acks.step() {
            guard let group = acks.text(0), groups[group] != nil else { continue }
            let p = Int(acks.int64(1))
            guard p >= 0, p < count else { continue }
            groups[group]?.acked[p].append(acks.int64(2))
        }
        let retries = try connection.prepare(
            "SELECT grp, partition, offset, attempts, due, first_failure, last_error FROM retries WHERE topic = ?"
        )
        retries.bind(.text(name))
        while try retries.step() {
            guard let group = retries.text(0), groups[group] != nil else { continue }
            let p = Int(retries.int64(1))
            guard p >= 0, p < count else { continue }
            if groups[group]?.retries.isEmpty == true {
                groups[group]?.retries = Array(repeating: [:], count: count)
            }
            groups[group]?.retries[p][retries.int64(2)] = RetryState(
                attempts: Int(retries.int64(3)),
                due: RetryState.date(milliseconds: retries.int64(4)),
                firstFailure: RetryState.date(milliseconds: retries.int64(5)),
                lastError: retries.text(6) ?? ""
            )
        }
        let begun = try connection.prepare("SELECT grp, partition, offset, count FROM begun WHERE topic = ?")
        begun.bind(.text(name))
        while try begun.step() {
            guard let group = begun.text(0), groups[group] != nil else { continue }
            let p = Int(begun.int64(1))
            guard p >= 0, p < count else { continue }
            if groups[group]?.begun.isEmpty == true { groups[group]?.begun = Array(repeating: [:], count: count) }
            groups[group]?.begun[p][begun.int64(2)] = Int(begun.int64(3))
        }
        return (count, RestoredTopic(partitions: partitions, groups: groups, evicted: evicted))
    }

    /// A time as the store keeps it: milliseconds since 1970.

    /// The checkpoint stored for `producer`; nil when it has none.
    static func checkpoint(
        of producer: String,
        in connection: SQLiteConnection
    ) throws(SQLiteStoreError) -> ProducerCheckpoint? {
        let row = try connection.prepare(
            "SELECT source, produced, offset, random FROM checkpoints WHERE producer = ?"
        )
        row.bind(.text(producer))
        defer { row.reset() }
        guard try row.step(), let source = row.text(0) else { return nil }
        return ProducerCheckpoint(
            source: source,
            produced: row.int64(1),
            offset: row.int64(2),
            random: UInt64(bitPattern: row.int64(3))
        )
    }
}
