import Foundation

/// A record's delivery history while it waits for a retry: kept by the broker beside the group's cursor, so a
/// record delivered again (after a restart, or to another member) keeps its attempt count and its due time
/// and never gets a fresh attempt budget.
///
/// Invariants: `attempts >= 1` (failed attempts so far); the state is dropped once the group acks the record.
public struct RetryState: Sendable, Equatable {
    /// Attempts made and failed so far.
    public var attempts: Int
    /// When the next attempt is due (wall clock).
    public var due: Date
    /// When the first attempt failed.
    public var firstFailure: Date
    /// The last attempt's error.
    public var lastError: String

    public init(attempts: Int, due: Date, firstFailure: Date, lastError: String) {
        self.attempts = attempts
        self.due = due
        self.firstFailure = firstFailure
        self.lastError = lastError
    }
}

extension RetryState {
    /// `date` in whole milliseconds since 1970: how durable backends store a retry's times.
    public static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// The date `milliseconds` (since 1970) stands for.
    public static func date(milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
