/// What a backend that hands records from process to process knows of the attempts begun on a record that
/// never finished: each was begun by a member whose process ended, or lost the record's partition, before
/// the attempt concluded (a handler that takes its process down leaves one per process it kills).
///
/// Invariants: `count` is 0 or more and `limit` 1 or more. The attempt budget (`max_attempts`) counts only
/// attempts that concluded; this count is kept apart from it, so a paused or handed-over member costs no
/// attempt, and a record that ends every process handling it is given up once `count` reaches `limit`
/// instead of ending processes forever.
public struct AbandonedAttempts: Sendable, Hashable {
    /// Attempts begun since the record's last concluded attempt (or its first delivery) that never ended.
    public var count: Int
    /// How many abandoned attempts the backend allows before the record is given up (dead-lettered).
    public var limit: Int

    public init(count: Int, limit: Int) {
        self.count = count
        self.limit = limit
    }

    /// Whether the record is given up without another attempt.
    public var isExceeded: Bool { count >= limit }
}
