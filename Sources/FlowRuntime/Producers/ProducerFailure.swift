/// Why a producer cannot go on; becomes `ProducerOutcome.failed`.
struct ProducerFailure: Error, Sendable, Hashable {
    /// Lower-case, quoting names, as users see it.
    var message: String

    init(_ message: String) { self.message = message }
}
