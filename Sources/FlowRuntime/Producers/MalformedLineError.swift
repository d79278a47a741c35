/// Why an input line or a generated event could not become a record.
struct MalformedLineError: Error, Sendable, Hashable {
    /// Lower-case, quoting names.
    var message: String

    init(_ message: String) { self.message = message }
}
