import FlowCore

/// The wait before the next attempt of a failed event.
///
/// Invariants, for a failed attempt `n >= 1` (so the next attempt is `n + 1`):
/// - the base delay is `initial` (constant), `initial × n` (linear) or `initial × multiplier^(n−1)`
///   (exponential), then capped at `max`;
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
        let base = baseMicroseconds(for: policy, afterFailedAttempt: Swift.max(n, 1))
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

    /// The capped, un-jittered delay in microseconds.
    static func baseMicroseconds(for policy: RetryPolicy, afterFailedAttempt n: Int) -> Int64 {
        let initial = Double(microseconds(policy.initial))
        let cap = microseconds(policy.max)
        let raw: Double
        switch policy.backoff {
        case .constant: raw = initial
        case .linear: raw = initial * Double(n)
        case .exponential: raw = initial * pow(policy.multiplier, n - 1)
        }
        guard raw.isFinite, raw < Double(cap) else { return cap }
        return Swift.max(0, Int64(raw.rounded()))
    }

    /// `duration` in whole microseconds, rounded down; saturates instead of overflowing.
    static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow else { return seconds < 0 ? 0 : Int64.max / 2 }
        return Swift.max(0, scaled + attoseconds / 1_000_000_000_000)
    }

    /// `multiplier^exponent` by repeated multiplication, exact for the integer multipliers users write and
    /// identical on every platform (no `libm` dependency).
    private static func pow(_ multiplier: Double, _ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<Swift.max(exponent, 0) {
            result *= multiplier
            if !result.isFinite || result > 1e30 { return .infinity }
        }
        return result
    }

    /// A uniform draw from `range` that depends only on the generator's state.
    private static func uniform(_ range: ClosedRange<Int64>, using random: inout SeededRandom) -> Int64 {
        guard range.lowerBound < range.upperBound else { return range.lowerBound }
        let span = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int64(random.next() % span)
    }
}
