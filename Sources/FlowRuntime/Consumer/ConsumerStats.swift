/// A consumer member's counters at one moment.
///
/// Invariants: every received record ends in exactly one of processed, filtered, dropped, deadLettered or
/// exhausted (or is still held, or was left uncommitted by a drain); `retried` counts attempts beyond the
/// first; latencies cover attempts whose handler completed (timed-out attempts are not included).
public struct ConsumerStats: Sendable, Hashable {
    public var received = 0
    public var processed = 0
    public var filtered = 0
    public var dropped = 0
    public var retried = 0
    public var deadLettered = 0
    /// Gave up without a dead-letter topic: the run must exit 1.
    public var exhausted = 0
    /// Attempts whose handler is running now.
    public var inFlight = 0
    /// Median handler latency; nil before the first completed attempt.
    public var p50: Duration?
    /// 99th-percentile handler latency; nil before the first completed attempt.
    public var p99: Duration?

    public init() {}
}
