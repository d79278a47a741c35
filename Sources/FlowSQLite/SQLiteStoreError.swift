/// Why the SQLite store cannot be used; `description` is what users see, naming the file.
public struct SQLiteStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The store's path as the user wrote it.
    public var path: String
    /// Lower-case, without the path.
    public var message: String

    init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "sqlite store \"\(path)\": \(message)" }
}
