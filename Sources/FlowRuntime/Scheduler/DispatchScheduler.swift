import Dispatch
import Foundation

/// The production scheduler: monotonic time from `ContinuousClock`, timers from `DispatchQueue.asyncAfter`.
///
/// Invariant: `now` counts from `init`; scheduled work runs on the queue it was given, never earlier than
/// its delay, unless cancelled first.
public struct DispatchScheduler: FlowScheduler {
    private let start: ContinuousClock.Instant

    /// A scheduler whose `now` starts at zero.
    public init() {
        start = ContinuousClock.now
    }

    public var now: Duration {
        start.duration(to: ContinuousClock.now)
    }

    public var wallClock: Date {
        Date()
    }

    @discardableResult
    public func schedule(
        after delay: Duration,
        on queue: DispatchQueue,
        _ work: @escaping @Sendable () -> Void
    ) -> ScheduledWork {
        let handle = ScheduledWork()
        let deadline = DispatchTime.now() + Self.interval(delay)
        queue.asyncAfter(deadline: deadline) {
            if !handle.isCancelled { work() }
        }
        return handle
    }

    public func execute(on queue: DispatchQueue, _ work: @escaping @Sendable () -> Void) {
        queue.async(execute: work)
    }

    /// `delay` as a Dispatch interval, rounded up to whole nanoseconds; negative delays become zero.
    static func interval(_ delay: Duration) -> DispatchTimeInterval {
        guard delay > .zero else { return .nanoseconds(0) }
        let (seconds, attoseconds) = delay.components
        let nanos = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanos.overflow, nanos.partialValue < Int64(Int.max / 2) else { return .never }
        return .nanoseconds(Int(nanos.partialValue + (attoseconds + 999_999_999) / 1_000_000_000))
    }
}
