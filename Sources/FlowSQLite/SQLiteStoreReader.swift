import FlowCore
import FlowRuntime
import Foundation

/// Read-only access to an SQLite store, for tools that run beside a pipeline (`flow dlq list --broker`):
/// no lock is taken and nothing is written, so the owner keeps running undisturbed (WAL readers never block
/// the writer).
///
/// Invariant: one connection, used by one caller at a time.
public final class SQLiteStoreReader {
    private let connection: SQLiteConnection

    /// Opens the store at `path` read-only; a missing file, a directory or a file that is not a flow store is a
    /// clear error.
    public init(path: String) throws(SQLiteStoreError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw SQLiteStoreError(path: path, "no such store; `flow run --broker sqlite:\(path)` creates it")
        }
        guard !isDirectory.boolValue else { throw SQLiteStoreError(path: path, "is a directory, not a store") }
        connection = try SQLiteConnection(path: path, readOnly: true)
        guard try connection.integer("PRAGMA application_id") == SQLiteSchema.applicationID else {
            throw SQLiteStoreError(path: path, "the file is not a flow store")
        }
    }

    /// A reader on a connection the caller already holds (a replay, inside its transaction).
    init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// The stored topics no group reads (dead-letter topics, usually), by name.
    public func unreadTopics() throws(SQLiteStoreError) -> [String] {
        let statement = try connection.prepare(
            "SELECT name FROM topics WHERE name NOT IN (SELECT DISTINCT topic FROM groups) ORDER BY name"
        )
        var names: [String] = []
        while try statement.step() {
            if let name = statement.text(0) { names.append(name) }
        }
        return names
    }

    /// The events `topic` still holds, by partition then offset; nil when the store has no such topic.
    public func events(of topic: String) throws(SQLiteStoreError) -> [CloudEvent]? {
        guard let stored = try SQLiteLoader.topic(topic, in: connection) else { return nil }
        return stored.state.partitions.flatMap { $0.records.map(\.event) }
    }

    /// Where the next record of each partition of `topic` goes; nil when the store has no such topic.
    public func endOffsets(of topic: String) throws(SQLiteStoreError) -> [Int64]? {
        let statement = try connection.prepare(
            """
            SELECT p.base, coalesce((SELECT max(r.offset) + 1 FROM records r
                WHERE r.topic = p.topic AND r.partition = p.partition), 0)
            FROM partitions p WHERE p.topic = ? ORDER BY p.partition
            """
        )
        statement.bind(.text(topic))
        var ends: [Int64] = []
        while try statement.step() { ends.append(max(statement.int64(0), statement.int64(1))) }
        return ends.isEmpty ? nil : ends
    }

    /// Up to `limit` records of partition `partition` of `topic` from `offset` on, in offset order (records
    /// every group acked are already gone).
    public func records(
        of topic: String,
        partition: Int,
        from offset: Int64,
        limit: Int
    ) throws(SQLiteStoreError) -> [BrokerRecord] {
        let statement = try connection.prepare(
            """
            SELECT offset, key, event FROM records WHERE topic = ? AND partition = ? AND offset >= ?
            ORDER BY offset LIMIT ?
            """
        )
        statement.bind(.text(topic), .integer(Int64(partition)), .integer(offset), .integer(Int64(limit)))
        var records: [BrokerRecord] = []
        while try statement.step() {
            guard let event = CloudEvent(storedJSON: statement.blob(2)) else { continue }
            let position = RecordPosition(partition: partition, offset: statement.int64(0))
            records.append(
                BrokerRecord(position: position, key: statement.isNull(1) ? nil : statement.text(1), event: event)
            )
        }
        return records
    }
}
