/// How a consumer retries a failed event.
///
/// Invariant: `maxAttempts >= 1` counts the first attempt; `initial <= max`; `multiplier >= 1`.
public struct RetryPolicy: Sendable, Hashable {
    public enum Backoff: String, Sendable, Hashable, CaseIterable {
        case constant, linear, exponential
    }

    public enum Jitter: String, Sendable, Hashable, CaseIterable {
        case none, full, equal
    }

    public var maxAttempts: Int
    public var backoff: Backoff
    public var initial: Duration
    public var max: Duration
    public var multiplier: Double
    public var jitter: Jitter

    public init(
        maxAttempts: Int,
        backoff: Backoff = .exponential,
        initial: Duration = .milliseconds(100),
        max: Duration = .seconds(10),
        multiplier: Double = 2,
        jitter: Jitter = .none
    ) {
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.initial = initial
        self.max = max
        self.multiplier = multiplier
        self.jitter = jitter
    }

    /// One attempt, no retries: the default when a consumer declares no `retry:`.
    public static let none = RetryPolicy(maxAttempts: 1)
}
