/// A consumer member's counters at one moment.
///
/// Invariants: every received record ends in exactly one of processed, filtered, dropped, deadLettered,
/// exhausted or givenBack (or is still held, or was left uncommitted by a drain); `retried` counts attempts
/// beyond the first; latencies cover attempts whose handler completed (timed-out attempts are not included).
public struct ConsumerStats: Sendable, Hashable {
    /// Records delivered by the broker.
    public var received = 0
    /// Records whose handler succeeded and whose emitted events are stored.
    public var processed = 0
    /// Records a filter rejected.
    public var filtered = 0
    /// Records a step dropped.
    public var dropped = 0
    /// Records given back unstarted because their partition moved to another member, which handles them.
    public var givenBack = 0
    /// Attempts beyond the first.
    public var retried = 0
    /// Records whose envelope is stored in the dead-letter topic.
    public var deadLettered = 0
    /// Gave up without a dead-letter topic: the run must exit 1.
    public var exhausted = 0
    /// Attempts whose handler is running now.
    public var inFlight = 0
    /// Median handler latency; nil before the first completed attempt.
    public var p50: Duration?
    /// 99th-percentile handler latency; nil before the first completed attempt.
    public var p99: Duration?

    /// All zero, no latencies.
    public init() {}
}
