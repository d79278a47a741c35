/// When each attempt of one failing event can start, and how long the event can take in all, computed from a
/// consumer's retry policy and per-attempt timeout alone (no run, no randomness). `flow validate` uses it for
/// its delivery rules; it is the one place such figures are computed.
///
/// Invariants, for attempts numbered 1...`policy.maxAttempts`:
/// - attempt 1 starts at zero, at the earliest and at the latest;
/// - the earliest start of attempt n+1 adds the smallest wait jitter allows after attempt n
///   (`RetryPolicy.delayBounds`), assuming attempt n failed at once; the latest start adds the whole
///   `timeout` and the largest wait (nil without a timeout: an attempt is then unbounded);
/// - `earliestStart <= latestStart` for every attempt, and both grow with n;
/// - `worstCase = maxAttempts × timeout + maxBackoff`: the longest an event can be in the consumer's hands
///   from its first attempt to its last attempt's end (its dead letter or its commit comes after).
public struct RetrySchedule: Sendable, Hashable {
    /// One attempt's window of start times, measured from the start of attempt 1.
    public struct Attempt: Sendable, Hashable {
        /// 1-based.
        public var number: Int
        public var earliestStart: Duration
        /// nil when the consumer has no timeout.
        public var latestStart: Duration?
    }

    public let policy: RetryPolicy
    public let timeout: Duration?
    /// The sum of the largest waits between attempts (after attempts 1...maxAttempts−1).
    public let maxBackoff: Duration
    /// The sum of the smallest waits between attempts.
    public let minBackoff: Duration

    /// Computes the totals in at most `maxAttempts` steps (one step once the waits stop changing).
    public init(policy: RetryPolicy, timeout: Duration?) {
        self.policy = policy
        self.timeout = timeout
        var longest = Duration.zero
        var shortest = Duration.zero
        var factor = 1.0
        var n = 1
        while n < policy.maxAttempts {
            let micros = policy.baseMicroseconds(factor: factor, n: n)
            let bounds = RetryPolicy.bounds(ofBase: .microseconds(micros), jitter: policy.jitter)
            let steady =
                micros == RetryPolicy.microseconds(policy.max) || policy.backoff == .constant
                || (policy.backoff == .exponential && policy.multiplier == 1)
            let repeats = steady ? policy.maxAttempts - n : 1
            longest += bounds.upperBound * repeats
            shortest += bounds.lowerBound * repeats
            n += repeats
            factor = RetryPolicy.nextFactor(factor, policy.multiplier)
        }
        maxBackoff = longest
        minBackoff = shortest
    }

    /// The consumer's schedule: its retry policy and timeout.
    public init(_ consumer: Pipeline.Consumer) {
        self.init(policy: consumer.retry, timeout: consumer.timeout)
    }

    /// `maxAttempts × timeout + maxBackoff`; nil without a timeout.
    public var worstCase: Duration? {
        timeout.map { $0 * policy.maxAttempts + maxBackoff }
    }

    /// Every attempt's start window, in order (`maxAttempts` entries: meant for display, not for huge counts).
    public var attempts: [Attempt] {
        var result: [Attempt] = []
        var earliest = Duration.zero
        var latest: Duration? = .zero
        for number in 1...policy.maxAttempts {
            result.append(Attempt(number: number, earliestStart: earliest, latestStart: latest))
            let bounds = policy.delayBounds(afterFailedAttempt: number)
            earliest += bounds.lowerBound
            latest = latest.flatMap { start in timeout.map { start + $0 + bounds.upperBound } }
        }
        return result
    }
}
