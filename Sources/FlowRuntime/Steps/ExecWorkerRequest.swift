/// One event on its way through an `ExecWorkerPool`: its request line, its deadline and its completion.
///
/// Invariant: `completion` is called exactly once, by the pool, on the pool's queue.
struct ExecWorkerRequest {
    /// The request id written in `line`, unique within the pool.
    var id: Int
    /// `{"id": …, "event": …}` and a newline: what a worker reads.
    var line: [UInt8]
    /// When the request's attempt times out, on the scheduler's clock; nil without a timeout.
    var deadline: Duration?
    /// True once the request was in flight, with others, on a worker that died or broke: nobody knows which
    /// of them killed it, so each runs again alone on a worker that holds nothing else. One that kills its
    /// worker alone is the culprit and fails; the others were collateral and are not charged an attempt.
    var isSuspect = false
    var completion: @Sendable (ExecOutcome) -> Void

    /// True when the request's deadline is at or before `now`.
    func isLate(at now: Duration) -> Bool {
        deadline.map { $0 <= now } ?? false
    }
}
