/// A producer's counters at one moment.
///
/// Invariant: every input line that is not blank, and every generated event, ends in exactly one of
/// `published`, `deadLettered` or `malformed` (or is still in flight, or was dropped by `stop()` before it
/// reached the broker).
public struct ProducerStats: Sendable, Hashable {
    /// Events stored in the producer's topic.
    public var published = 0
    /// Malformed lines or events counted without a dead-letter topic: the run must exit 1.
    public var malformed = 0
    /// Envelopes of malformed lines or events stored in the producer's dead-letter topic.
    public var deadLettered = 0

    /// Counters with the given values (all zero by default).
    public init(published: Int = 0, malformed: Int = 0, deadLettered: Int = 0) {
        self.published = published
        self.malformed = malformed
        self.deadLettered = deadLettered
    }
}
