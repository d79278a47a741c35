import FlowCore
import FlowRuntime

/// The prepared statements the journal's transactions run, on the writer queue only.
///
/// Invariant: every method runs inside `begin()` … `commit()`; rows below a group's watermark never stay in
/// `acks`, and a partition's `base` only grows.
///
/// `@unchecked Sendable`: owned by the journal's writer queue.
final class SQLiteWriter: @unchecked Sendable {
    let connection: SQLiteConnection
    private let begin_, commit_, rollback_: SQLiteStatement
    private let upsertTopic, insertPartition, insertGroup, insertRecord: SQLiteStatement
    private let insertAck, updateCommitted, deleteAcks: SQLiteStatement
    private let deleteRecords, updateBase, addEvicted, upsertCheckpoint: SQLiteStatement
    private let upsertRetry, upsertBegun: SQLiteStatement
    /// Rows an ack deletes beside its record: retry states and begun marks.
    private var retries, begun: AckedRows
    /// Transactions since free pages were last given back to the file system.
    private var sinceVacuum = 0

    init(_ connection: SQLiteConnection) throws(SQLiteStoreError) {
        self.connection = connection
        begin_ = try connection.prepare("BEGIN IMMEDIATE")
        commit_ = try connection.prepare("COMMIT")
        rollback_ = try connection.prepare("ROLLBACK")
        upsertTopic = try connection.prepare(
            """
            INSERT INTO topics(name, partitions, capacity, retention) VALUES(?, ?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET capacity = excluded.capacity, retention = excluded.retention
            """
        )
        insertPartition = try connection.prepare(
            "INSERT OR IGNORE INTO partitions(topic, partition, base) VALUES(?, ?, 0)"
        )
        insertGroup = try connection.prepare(
            "INSERT OR IGNORE INTO groups(topic, grp, partition, committed) VALUES(?, ?, ?, ?)"
        )
        insertRecord = try connection.prepare(
            "INSERT INTO records(topic, partition, offset, key, event) VALUES(?, ?, ?, ?, ?)"
        )
        insertAck = try connection.prepare(
            "INSERT OR IGNORE INTO acks(topic, grp, partition, offset) VALUES(?, ?, ?, ?)"
        )
        updateCommitted = try connection.prepare(
            "UPDATE groups SET committed = ?4 WHERE topic = ?1 AND grp = ?2 AND partition = ?3"
        )
        deleteAcks = try connection.prepare(
            "DELETE FROM acks WHERE topic = ?1 AND grp = ?2 AND partition = ?3 AND offset < ?4"
        )
        deleteRecords = try connection.prepare(
            "DELETE FROM records WHERE topic = ?1 AND partition = ?2 AND offset < ?3"
        )
        updateBase = try connection.prepare(
            "UPDATE partitions SET base = max(base, ?3) WHERE topic = ?1 AND partition = ?2"
        )
        addEvicted = try connection.prepare("UPDATE topics SET evicted = evicted + ?2 WHERE name = ?1")
        upsertRetry = try connection.prepare(
            """
            INSERT OR REPLACE INTO retries(topic, grp, partition, offset, attempts, due, first_failure, last_error)
            VALUES(?, ?, ?, ?, ?, ?, ?, ?)
            """
        )
        retries = try AckedRows("retries", connection)
        upsertBegun = try connection.prepare(
            "INSERT OR REPLACE INTO begun(topic, grp, partition, offset, count) VALUES(?, ?, ?, ?, ?)"
        )
        begun = try AckedRows("begun", connection)
        upsertCheckpoint = try connection.prepare(
            "INSERT OR REPLACE INTO checkpoints(producer, source, produced, offset, random) VALUES(?, ?, ?, ?, ?)"
        )
    }

    func begin() throws(SQLiteStoreError) { try begin_.run() }

    /// Commits (after deleting retry or begun rows, checks once whether any are left, so acks stop looking
    /// when none are), and every 256 transactions gives free pages back so the file stays as large as its
    /// backlog.
    func commit() throws(SQLiteStoreError) {
        try commit_.run()
        try retries.recheck(connection)
        try begun.recheck(connection)
        sinceVacuum += 1
        if sinceVacuum >= 256 {
            sinceVacuum = 0
            try connection.execute("PRAGMA incremental_vacuum(1000)")
        }
    }

    func rollback() { try? rollback_.run() }

    func declare(_ spec: TopicSpec) throws(SQLiteStoreError) {
        try upsertTopic.bind(
            .text(spec.name),
            .integer(Int64(spec.partitions)),
            .integer(Int64(spec.capacity)),
            .integer(Int64(spec.retention))
        ).run()
        for p in 0..<spec.partitions {
            try insertPartition.bind(.text(spec.name), .integer(Int64(p))).run()
        }
    }

    func declare(group: String, on topic: String, starts: [Int64]) throws(SQLiteStoreError) {
        for (p, start) in starts.enumerated() {
            try insertGroup.bind(.text(topic), .text(group), .integer(Int64(p)), .integer(start)).run()
        }
    }

    func insert(_ record: BrokerRecord, into topic: String) throws(SQLiteStoreError) {
        try insertRecord.bind(
            .text(topic),
            .integer(Int64(record.position.partition)),
            .integer(record.position.offset),
            record.key.map(SQLiteValue.text),
            .blob(record.event.jsonBytes)
        ).run()
    }

    func ack(
        _ positions: [RecordPosition],
        of topic: String,
        group: String,
        committed: [Int: Int64]
    ) throws(SQLiteStoreError) {
        for position in positions where position.offset >= (committed[position.partition] ?? 0) {
            try insertAck.bind(
                .text(topic),
                .text(group),
                .integer(Int64(position.partition)),
                .integer(position.offset)
            ).run()
        }
        for (p, watermark) in committed {
            try updateCommitted.bind(.text(topic), .text(group), .integer(Int64(p)), .integer(watermark)).run()
            try deleteAcks.bind(.text(topic), .text(group), .integer(Int64(p)), .integer(watermark)).run()
        }
        try retries.delete(positions, committed: committed, of: topic, group: group)
        try begun.delete(positions, committed: committed, of: topic, group: group)
    }

    func drop(in topic: String, partition: Int, below offset: Int64, evicted: Int) throws(SQLiteStoreError) {
        try deleteRecords.bind(.text(topic), .integer(Int64(partition)), .integer(offset)).run()
        try updateBase.bind(.text(topic), .integer(Int64(partition)), .integer(offset)).run()
        if evicted > 0 { try addEvicted.bind(.text(topic), .integer(Int64(evicted))).run() }
    }

    func store(
        _ state: RetryState,
        of position: RecordPosition,
        in topic: String,
        group: String
    ) throws(SQLiteStoreError) {
        retries.mayHold = true
        try upsertRetry.bind(
            .text(topic),
            .text(group),
            .integer(Int64(position.partition)),
            .integer(position.offset),
            .integer(Int64(state.attempts)),
            .integer(RetryState.milliseconds(state.due)),
            .integer(RetryState.milliseconds(state.firstFailure)),
            .text(state.lastError)
        ).run()
        try begun.delete([position], committed: [:], of: topic, group: group)
    }

    /// Records that the store rests after a run that ended with every attempt finished.
    func markClean() throws(SQLiteStoreError) {
        try connection.execute("INSERT OR REPLACE INTO meta(key, value) VALUES('clean', 1)")
    }

    /// Stores that `count` attempts were begun on the record at `position` and have not finished.
    func store(begun count: Int, of position: RecordPosition, in topic: String, group: String) throws(SQLiteStoreError)
    {
        begun.mayHold = true
        try upsertBegun.bind(
            .text(topic),
            .text(group),
            .integer(Int64(position.partition)),
            .integer(position.offset),
            .integer(Int64(count))
        ).run()
    }

    func store(_ checkpoint: ProducerCheckpoint, of producer: String) throws(SQLiteStoreError) {
        try upsertCheckpoint.bind(
            .text(producer),
            .text(checkpoint.source),
            .integer(checkpoint.produced),
            .integer(checkpoint.offset),
            .integer(Int64(bitPattern: checkpoint.random))
        ).run()
    }
}

/// A table of per-record rows of a group (`retries`, `begun`) that go with the record's ack: while it holds
/// none, acks skip its statements. Owned by the writer, on its queue.
private struct AckedRows {
    let table: String
    let deleteOne, deleteBelow: SQLiteStatement
    /// Whether the table may hold rows; cleared by `recheck` once a transaction deleted the last of them.
    var mayHold: Bool
    /// This transaction deleted rows: `recheck` then looks once whether any are left.
    var deleted = false

    init(_ table: String, _ connection: SQLiteConnection) throws(SQLiteStoreError) {
        self.table = table
        deleteOne = try connection.prepare(
            "DELETE FROM \(table) WHERE topic = ?1 AND grp = ?2 AND partition = ?3 AND offset = ?4"
        )
        deleteBelow = try connection.prepare(
            "DELETE FROM \(table) WHERE topic = ?1 AND grp = ?2 AND partition = ?3 AND offset < ?4"
        )
        mayHold = try Self.holdsRows(table, connection)
    }

    /// Deletes the rows of `positions`, and those below each new watermark in `committed`.
    mutating func delete(
        _ positions: [RecordPosition],
        committed: [Int: Int64],
        of topic: String,
        group: String
    ) throws(SQLiteStoreError) {
        guard mayHold else { return }
        deleted = true
        for position in positions {
            let p = SQLiteValue.integer(Int64(position.partition))
            try deleteOne.bind(.text(topic), .text(group), p, .integer(position.offset)).run()
        }
        for (p, watermark) in committed {
            try deleteBelow.bind(.text(topic), .text(group), .integer(Int64(p)), .integer(watermark)).run()
        }
    }

    /// After a commit that deleted rows: whether any are left.
    mutating func recheck(_ connection: SQLiteConnection) throws(SQLiteStoreError) {
        guard deleted else { return }
        deleted = false
        mayHold = try Self.holdsRows(table, connection)
    }

    private static func holdsRows(_ table: String, _ connection: SQLiteConnection) throws(SQLiteStoreError) -> Bool {
        (try connection.integer("SELECT EXISTS(SELECT 1 FROM \(table))") ?? 0) != 0
    }
}
