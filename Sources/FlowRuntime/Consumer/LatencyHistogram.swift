import Histogram

/// Handler latencies in nanoseconds, 3 significant digits, up to one hour (longer values count as one hour).
struct LatencyHistogram {
    private static let highest: UInt64 = 3_600_000_000_000
    private var histogram = Histogram<UInt64>(highestTrackableValue: highest, numberOfSignificantValueDigits: .three)

    mutating func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanos = seconds < 0 ? 0 : UInt64(seconds) &* 1_000_000_000 &+ UInt64(max(0, attoseconds) / 1_000_000_000)
        _ = histogram.record(min(nanos, Self.highest))
    }

    /// The value at `percentile` (0...100), nil while empty.
    func value(atPercentile percentile: Double) -> Duration? {
        guard histogram.totalCount > 0 else { return nil }
        return .nanoseconds(Int64(histogram.valueAtPercentile(percentile)))
    }
}
