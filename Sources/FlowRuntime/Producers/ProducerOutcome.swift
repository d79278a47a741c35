/// How a `ProducerRunner` ended; reported exactly once.
public enum ProducerOutcome: Sendable, Hashable {
    /// A finite source (a `count`, a file, standard input at EOF) produced everything, and every record
    /// handed to the broker is stored.
    case finished
    /// `stop()` ended it; every record handed to the broker before that is stored.
    case stopped
    /// The producer could not go on (a file it cannot open or read, a broker refusal); the message is
    /// lower-case and quotes names, as users see it. Records already handed to the broker are stored.
    case failed(String)
}
