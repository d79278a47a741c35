extension RetryPolicy {
    /// The capped, un-jittered wait after failed attempt `n` (1-based; below 1 counts as 1): `initial`
    /// (constant), `initial × n` (linear) or `initial × multiplier^(n−1)` (exponential), at most `max`.
    ///
    /// Invariants: whole microseconds, never negative, never above `max`; the same on every platform (the power
    /// is repeated multiplication, exact for the integer multipliers users write, no `libm`). The runner's
    /// jittered delay and `RetrySchedule` both start from this value.
    public func baseDelay(afterFailedAttempt n: Int) -> Duration {
        .microseconds(baseMicroseconds(factor: Self.power(multiplier, Swift.max(n, 1) - 1), n: Swift.max(n, 1)))
    }

    /// The range jitter draws the wait after failed attempt `n` from: `base...base` without jitter,
    /// `0...base` with full jitter, `base/2...base` (half rounded down to a microsecond) with equal jitter.
    public func delayBounds(afterFailedAttempt n: Int) -> ClosedRange<Duration> {
        Self.bounds(ofBase: baseDelay(afterFailedAttempt: n), jitter: jitter)
    }

    /// `delayBounds` for a base delay already computed.
    static func bounds(ofBase base: Duration, jitter: Jitter) -> ClosedRange<Duration> {
        switch jitter {
        case .none: return base...base
        case .full: return .zero...base
        case .equal: return .microseconds(Self.microseconds(base) / 2)...base
        }
    }

    /// The base delay in microseconds for attempt `n` given `factor = multiplier^(n−1)` (only exponential
    /// backoff reads it), so a caller walking the attempts in order can grow the factor one step at a time.
    func baseMicroseconds(factor: Double, n: Int) -> Int64 {
        let initial = Double(Self.microseconds(self.initial))
        let cap = Self.microseconds(max)
        let raw: Double
        switch backoff {
        case .constant: raw = initial
        case .linear: raw = initial * Double(n)
        case .exponential: raw = initial * factor
        }
        guard raw.isFinite, raw < Double(cap) else { return cap }
        return Swift.max(0, Int64(raw.rounded()))
    }

    /// One more step of `power`: `factor × multiplier`, or infinity past 1e30 (every base is capped by then).
    static func nextFactor(_ factor: Double, _ multiplier: Double) -> Double {
        let next = factor * multiplier
        return !next.isFinite || next > 1e30 ? .infinity : next
    }

    /// `multiplier^exponent` by repeated multiplication (`nextFactor` from 1).
    static func power(_ multiplier: Double, _ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<Swift.max(exponent, 0) {
            result = nextFactor(result, multiplier)
            if result == .infinity { return result }
        }
        return result
    }

    /// `duration` in whole microseconds, rounded down; saturates instead of overflowing, never negative.
    public static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        guard !overflow else { return seconds < 0 ? 0 : Int64.max / 2 }
        return Swift.max(0, scaled + attoseconds / 1_000_000_000_000)
    }
}
