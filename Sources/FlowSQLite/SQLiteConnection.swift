import CSQLite

/// One open SQLite database handle and the few calls the store needs.
///
/// Invariant: used from one queue at a time (the store's writer, or a read-only tool's own thread); SQLite
/// runs in its multi-thread mode, where a connection must not be shared concurrently.
///
/// `@unchecked Sendable`: the raw handle moves between queues but is never used by two at once (see above).
final class SQLiteConnection: @unchecked Sendable {
    let handle: OpaquePointer
    let path: String

    /// Opens `path` (read-write, creating it, unless `readOnly`).
    init(path: String, readOnly: Bool = false) throws(SQLiteStoreError) {
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let status = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteStoreError(path: path, "cannot open the store: \(message)")
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, 5_000)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs `sql` (one or more statements without parameters).
    func execute(_ sql: String) throws(SQLiteStoreError) {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? lastError
            sqlite3_free(error)
            throw SQLiteStoreError(path: path, message)
        }
    }

    /// A prepared statement for `sql`, reusable until the connection closes.
    func prepare(_ sql: String) throws(SQLiteStoreError) -> SQLiteStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK,
            let statement
        else { throw SQLiteStoreError(path: path, lastError) }
        return SQLiteStatement(statement, connection: self)
    }

    /// The first column of the first row of `sql` as an integer (a pragma, a count); nil without a row.
    func integer(_ sql: String) throws(SQLiteStoreError) -> Int64? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.int64(0)
    }

    /// The first column of the first row of `sql` as text; nil without a row.
    func text(_ sql: String) throws(SQLiteStoreError) -> String? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.text(0)
    }

    /// SQLite's message for the last failed call, lower-cased as users see errors.
    var lastError: String { String(cString: sqlite3_errmsg(handle)) }
}
