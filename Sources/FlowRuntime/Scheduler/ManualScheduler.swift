import Dispatch
import FlowCore
import Foundation
import Synchronization

/// A scheduler for tests: time moves only when the test calls `advance(by:)`.
///
/// Invariants:
/// - Due work runs in deadline order; work with equal deadlines runs in the order it was scheduled.
/// - `advance(by:)` and `settle()` return only when the system is quiescent: every hop made through
///   `execute(on:_:)` (and every hop those hops made, transitively) has finished, and so has all outside work
///   begun with `beginExternalWork()` (a network backend's requests). A test can assert right
///   after them without waiting.
/// - While a piece of due work runs, `now` equals its deadline.
///
/// Call `advance(by:)` and `settle()` from the test's own thread, never from a queue the runtime uses:
/// they block until that queue's work is done.
public final class ManualScheduler: FlowScheduler {
    private struct Entry {
        var deadline: Duration
        var sequence: Int
        var queue: DispatchQueue
        var work: @Sendable () -> Void
        var handle: ScheduledWork
    }

    private struct State {
        var now: Duration = .zero
        var sequence = 0
        var entries: [Entry] = []
    }

    private let state = Mutex(State())
    private let inFlight = DispatchGroup()
    private let epoch: Date

    /// A scheduler at `now == .zero` whose wall clock starts at `epoch` (default 2026-01-01T00:00:00Z).
    public init(epoch: Date = Date(timeIntervalSince1970: 1_767_225_600)) {
        self.epoch = epoch
    }

    public var now: Duration {
        state.withLock { $0.now }
    }

    public var wallClock: Date {
        epoch.addingTimeInterval(DurationText.milliseconds(now) / 1000)
    }

    /// When the earliest work scheduled and not cancelled falls due; nil when nothing is scheduled.
    public var nextDeadline: Duration? {
        state.withLock { state in state.entries.filter { !$0.handle.isCancelled }.map(\.deadline).min() }
    }

    /// Work scheduled and neither run nor cancelled yet.
    public var pendingCount: Int {
        state.withLock { $0.entries.count { !$0.handle.isCancelled } }
    }

    @discardableResult
    public func schedule(
        after delay: Duration,
        on queue: DispatchQueue,
        _ work: @escaping @Sendable () -> Void
    ) -> ScheduledWork {
        let handle = ScheduledWork()
        state.withLock { state in
            state.sequence += 1
            let deadline = state.now + max(delay, .zero)
            state.entries.append(
                Entry(deadline: deadline, sequence: state.sequence, queue: queue, work: work, handle: handle)
            )
        }
        return handle
    }

    public func execute(on queue: DispatchQueue, _ work: @escaping @Sendable () -> Void) {
        inFlight.enter()
        queue.async {
            work()
            self.inFlight.leave()
        }
    }

    public func beginExternalWork() -> @Sendable () -> Void {
        inFlight.enter()
        let done = Mutex(false)
        return {
            guard
                !done.withLock({
                    let was = $0
                    $0 = true
                    return was
                })
            else { return }
            self.inFlight.leave()
        }
    }

    /// Moves time forward by `duration`, running every piece of work that falls due on the way, each at its
    /// own deadline, and waits for quiescence after each one.
    public func advance(by duration: Duration) {
        settle()
        let target = now + max(duration, .zero)
        while let entry = takeNextDue(notAfter: target) {
            execute(on: entry.queue) {
                if !entry.handle.isCancelled { entry.work() }
            }
            inFlight.wait()
        }
        state.withLock { $0.now = max($0.now, target) }
    }

    /// Runs work already due and waits until every hop in flight has finished; time does not move.
    public func settle() {
        inFlight.wait()
        while let entry = takeNextDue(notAfter: now) {
            execute(on: entry.queue) {
                if !entry.handle.isCancelled { entry.work() }
            }
            inFlight.wait()
        }
    }

    /// Removes and returns the earliest live entry due at or before `limit`, setting `now` to its deadline.
    private func takeNextDue(notAfter limit: Duration) -> Entry? {
        state.withLock { state in
            state.entries.removeAll { $0.handle.isCancelled }
            var best: Int?
            for (index, entry) in state.entries.enumerated() where entry.deadline <= limit {
                if let current = best {
                    let other = state.entries[current]
                    if (entry.deadline, entry.sequence) < (other.deadline, other.sequence) { best = index }
                } else {
                    best = index
                }
            }
            guard let index = best else { return nil }
            let entry = state.entries.remove(at: index)
            state.now = max(state.now, entry.deadline)
            return entry
        }
    }
}
