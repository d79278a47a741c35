import Synchronization

/// A handle to work given to `FlowScheduler.schedule(after:on:_:)`.
///
/// Invariant: once `cancel()` has returned, work that has not started yet never starts. Work that already
/// started runs to its end; cancelling from the queue the work runs on is therefore race-free.
public final class ScheduledWork: Sendable {
    private let cancelled = Atomic<Bool>(false)

    /// A handle whose work may still run.
    public init() {}

    /// Prevents the work from running if it has not started; idempotent.
    public func cancel() {
        cancelled.store(true, ordering: .releasing)
    }

    /// Whether `cancel()` was called.
    public var isCancelled: Bool {
        cancelled.load(ordering: .acquiring)
    }
}
