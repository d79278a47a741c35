import CSQLite

/// A prepared statement: bind, step, read columns, reset.
///
/// Invariant: used only on its connection's queue; `step` resets the statement once it returns false, so the
/// next use starts clean.
///
/// `@unchecked Sendable`: like its connection, never used from two queues at once.
final class SQLiteStatement: @unchecked Sendable {
    private let statement: OpaquePointer
    private let connection: SQLiteConnection

    init(_ statement: OpaquePointer, connection: SQLiteConnection) {
        self.statement = statement
        self.connection = connection
    }

    deinit { sqlite3_finalize(statement) }

    /// Binds `values` to parameters 1... in order; nil binds NULL.
    @discardableResult
    func bind(_ values: SQLiteValue?...) -> SQLiteStatement {
        for (index, value) in values.enumerated() {
            let position = Int32(index + 1)
            switch value {
            case nil: sqlite3_bind_null(statement, position)
            case .integer(let number)?: sqlite3_bind_int64(statement, position, number)
            case .text(let text)?: sqlite3_bind_text(statement, position, text, -1, transient)
            case .blob(let bytes)?:
                bytes.withUnsafeBytes { raw in
                    _ = sqlite3_bind_blob(statement, position, raw.baseAddress, Int32(raw.count), transient)
                }
            }
        }
        return self
    }

    /// Advances to the next row; false when done (the statement is then reset and its bindings cleared).
    func step() throws(SQLiteStoreError) -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE:
            reset()
            return false
        default:
            let message = connection.lastError
            reset()
            throw SQLiteStoreError(path: connection.path, message)
        }
    }

    /// Runs a statement that returns no rows.
    func run() throws(SQLiteStoreError) {
        while try step() {}
    }

    func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func text(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: text)
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// SQLITE_TRANSIENT: SQLite copies bound text and blobs before the call returns.
    private var transient: sqlite3_destructor_type { unsafeBitCast(-1, to: sqlite3_destructor_type.self) }
}

/// A value bound to a statement parameter.
enum SQLiteValue {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

extension SQLiteValue: ExpressibleByIntegerLiteral {
    init(integerLiteral value: Int64) { self = .integer(value) }
}
