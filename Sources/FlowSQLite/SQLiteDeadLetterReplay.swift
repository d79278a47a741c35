import FlowCore
import FlowRuntime
import Foundation

/// `flow dlq replay` on a store: moves dead letters back to their source topic (or another) in one
/// transaction, so a crash mid-replay neither duplicates nor loses one.
///
/// Invariants:
/// - it owns the store while it works (the same lock as `flow run`): a running pipeline's engine never
///   misses a change made behind it;
/// - the envelopes chosen and the events they become are `DeadLetterReplay`'s, as on every backend;
/// - the dead-letter topic stays dense: the envelopes it keeps move to the end of their partition (offsets
///   only grow), so it must be a topic no group reads.
public enum SQLiteDeadLetterReplay {
    /// Replays the envelopes of `topic` in `path` for which `select` holds, at most `limit`, to `target` (or
    /// each one's `flowsourcetopic`); with `dryRun` only reports what it would do.
    public static func replay(
        path: String,
        from topic: String,
        to target: String?,
        limit: Int?,
        dryRun: Bool,
        select: (CloudEvent) -> Bool
    ) throws(SQLiteStoreError) -> DeadLetterReplay.Report {
        let lock = try SQLiteOwnerLock(path: path, purpose: "stop it first: a replay writes to the store")
        defer { withExtendedLifetime(lock) {} }
        let connection = try SQLiteConnection(path: path)
        try SQLiteSchema.prepare(connection, synchronous: "FULL")
        guard let stored = try SQLiteLoader.topic(topic, in: connection) else {
            throw SQLiteStoreError(path: path, "the store has no topic \"\(topic)\"")
        }
        guard stored.state.groups.isEmpty else {
            let groups = stored.state.groups.keys.sorted().joined(separator: ", ")
            throw SQLiteStoreError(
                path: path,
                "topic \"\(topic)\" is read by group \(groups); replay from a dead-letter topic no consumer reads"
            )
        }
        let (moves, skipped) = DeadLetterReplay.plan(
            stored.state.partitions.flatMap(\.records),
            to: target,
            limit: limit,
            select: select
        )
        var report = DeadLetterReplay.Report()
        report.skippedMalformed = skipped
        report.replayed = moves.map { ($0.event, $0.to) }
        guard !dryRun, !moves.isEmpty else { return report }

        try connection.execute("BEGIN IMMEDIATE")
        do throws(SQLiteStoreError) {
            try write(moves, from: topic, partitions: stored.state.partitions, path: path, connection: connection)
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            throw error
        }
        return report
    }

    private static func write(
        _ moves: [DeadLetterReplay.Move],
        from topic: String,
        partitions: [RestoredTopic.Partition],
        path: String,
        connection: SQLiteConnection
    ) throws(SQLiteStoreError) {
        let insert = try connection.prepare(
            "INSERT INTO records(topic, partition, offset, key, event) VALUES(?, ?, ?, ?, ?)"
        )
        var ends: [String: [Int64]] = [:]
        var roundRobin = 0
        for move in moves {
            if ends[move.to] == nil {
                let reader = SQLiteStoreReader(connection: connection)
                guard let end = try reader.endOffsets(of: move.to) else {
                    throw SQLiteStoreError(path: path, "the store has no topic \"\(move.to)\" to replay to")
                }
                ends[move.to] = end
            }
            let count = ends[move.to]!.count
            let p = move.record.key.map { PartitionKey.partition(for: $0, partitions: count) } ?? roundRobin % count
            roundRobin += 1
            let offset = ends[move.to]![p]
            ends[move.to]![p] += 1
            try insert.bind(
                .text(move.to),
                .integer(Int64(p)),
                .integer(offset),
                move.record.key.map(SQLiteValue.text),
                .blob(move.event.jsonBytes)
            ).run()
        }
        // Keep the dead-letter topic dense: its remaining envelopes move to the end of their partition.
        let moved = Set(moves.map { "\($0.record.position.partition):\($0.record.position.offset)" })
        let delete = try connection.prepare("DELETE FROM records WHERE topic = ? AND partition = ?")
        let base = try connection.prepare("UPDATE partitions SET base = ? WHERE topic = ? AND partition = ?")
        for (p, partition) in partitions.enumerated() {
            let kept = partition.records.filter { !moved.contains("\(p):\($0.position.offset)") }
            guard kept.count != partition.records.count else { continue }
            let end = partition.base + Int64(partition.records.count)
            try delete.bind(.text(topic), .integer(Int64(p))).run()
            let start = end - Int64(kept.count)
            try base.bind(.integer(start), .text(topic), .integer(Int64(p))).run()
            for (index, record) in kept.enumerated() {
                try insert.bind(
                    .text(topic),
                    .integer(Int64(p)),
                    .integer(start + Int64(index)),
                    record.key.map(SQLiteValue.text),
                    .blob(record.event.jsonBytes)
                ).run()
            }
        }
    }
}
