import FlowCore

/// The schedule of a paced producer: event `n` (from 1) is due `(n - 1) × rate.interval` after the start.
///
/// Invariant: exact integer arithmetic on attoseconds, so `dueCount(after: dueTime(of: n)) >= n` for every
/// `n` and no event is ever due early (no floating-point drift over long runs).
struct RatePacer: Sendable {
    /// How often a paced producer wakes up at most; each wake-up publishes every event due by then.
    static let tick = Duration.milliseconds(10)

    private let count: Int128
    private let per: Int128

    init(_ rate: Rate) {
        count = Int128(rate.count)
        per = rate.per.attoseconds
    }

    /// How many events are due once `elapsed` has passed since the start (1 at the start itself).
    func dueCount(after elapsed: Duration) -> Int {
        guard elapsed >= .zero else { return 0 }
        let due = elapsed.attoseconds * count / per + 1
        return due > Int128(Int.max) ? Int.max : Int(due)
    }

    /// The earliest time after the start at which event `n` (from 1) is due.
    func dueTime(of n: Int) -> Duration {
        let numerator = Int128(n - 1) * per
        return Duration(attoseconds: (numerator + count - 1) / count)
    }

    /// When to wake up next, `elapsed` after the start, to publish event `next`: at its due time, but never
    /// sooner than one `tick` from now, so a fast rate is published in batches rather than by one timer each.
    func wakeUp(for next: Int, after elapsed: Duration) -> Duration {
        max(dueTime(of: next) - elapsed, RatePacer.tick)
    }
}
