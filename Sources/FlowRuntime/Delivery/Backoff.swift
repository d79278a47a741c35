import FlowCore

/// The wait before the next attempt of a failed event.
///
/// Invariants, for a failed attempt `n >= 1` (so the next attempt is `n + 1`):
/// - the base delay is `RetryPolicy.baseDelay(afterFailedAttempt:)`: `initial` (constant), `initial × n`
///   (linear) or `initial × multiplier^(n−1)` (exponential), then capped at `max`;
/// - jitter `none` keeps the base `d`; `full` draws uniformly from `[0, d]`; `equal` is `d/2` plus a
///   uniform draw from `[0, d/2]`;
/// - the result is whole microseconds, never negative and never above `max` (so timelines printed in
///   milliseconds are exact);
/// - the same `SeededRandom` state yields the same delay on every platform.
public enum Backoff {
    /// The delay after failed attempt `n` (1-based) under `policy`, drawing jitter from `random`.
    public static func delay(
        for policy: RetryPolicy,
        afterFailedAttempt n: Int,
        random: inout SeededRandom
    ) -> Duration {
        let base = RetryPolicy.microseconds(policy.baseDelay(afterFailedAttempt: n))
        switch policy.jitter {
        case .none:
            return .microseconds(base)
        case .full:
            return .microseconds(uniform(0...base, using: &random))
        case .equal:
            let half = base / 2
            return .microseconds(half + uniform(0...(base - half), using: &random))
        }
    }

    /// A uniform draw from `range` that depends only on the generator's state.
    private static func uniform(_ range: ClosedRange<Int64>, using random: inout SeededRandom) -> Int64 {
        guard range.lowerBound < range.upperBound else { return range.lowerBound }
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int64(random.next() % span)
    }
}
