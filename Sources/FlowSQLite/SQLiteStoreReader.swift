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
}
