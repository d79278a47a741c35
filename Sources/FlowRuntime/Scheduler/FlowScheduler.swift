import Dispatch
import Foundation

/// The runtime's source of time and its only way to hop between Dispatch queues.
///
/// Invariants:
/// - `now` is monotonic: it never decreases and counts from the scheduler's start, so deadlines and
///   latencies computed from it are immune to wall-clock changes.
/// - `wallClock` is only for what users read (log fields, dead-letter timestamps), never for deadlines.
/// - Every asynchronous hop inside FlowRuntime goes through `execute(on:_:)`, so a test scheduler can tell
///   when all work caused by a step has finished (see `ManualScheduler.advance(by:)`); work that waits on
///   something outside the process (a network backend's reply) is bracketed by `beginExternalWork()`.
public protocol FlowScheduler: Sendable {
    /// Monotonic time since the scheduler started.
    var now: Duration { get }

    /// The calendar time, for humans and envelopes.
    var wallClock: Date { get }

    /// Runs `work` on `queue` once `delay` has passed (at once for a zero or negative delay, but never
    /// inline). Cancelling the returned handle before the work starts prevents it from running.
    @discardableResult
    func schedule(
        after delay: Duration,
        on queue: DispatchQueue,
        _ work: @escaping @Sendable () -> Void
    ) -> ScheduledWork

    /// Runs `work` on `queue` as soon as possible (an asynchronous hop, never inline).
    func execute(on queue: DispatchQueue, _ work: @escaping @Sendable () -> Void)

    /// Marks the start of work that completes outside the scheduler's queues (a request to a server); call
    /// the returned closure exactly once when it is done, after `execute`-ing what the reply causes.
    func beginExternalWork() -> @Sendable () -> Void
}

extension FlowScheduler {
    /// Real schedulers need not track outside work: it completes on its own.
    public func beginExternalWork() -> @Sendable () -> Void { {} }
}
