import Dispatch
import Foundation
import Tracing

/// One record held by a `ConsumerRunner`, from receipt to commit.
///
/// Invariants: a job is in at most one of the runner's places at a time (a key lane, the ready or retry
/// queue, running, waiting for a retry timer, waiting for publishes); when an attempt times out the job is
/// replaced by a fresh copy and marked `abandoned`, so the late completion, which still points at the old
/// object, is recognised and ignored.
///
/// `@unchecked Sendable`: its mutable fields are touched only on the runner's queue.
final class Job: @unchecked Sendable {
    enum State {
        case waiting, running, retryWait, publishing, done, abandoned
    }

    /// What to count once the job's publishes are stored.
    enum Disposition {
        case processed
        case deadLettered(DeliveryDecision.GiveUpReason)
    }

    let runner: ConsumerRunner
    let record: BrokerRecord
    var state = State.waiting
    /// Attempts started so far (by this run, and by earlier deliveries when the record came with a
    /// `RetryState`).
    var attempt = 0
    /// Counted in the runner's `active` (from its first attempt, or from its parking as a returning retry).
    var isActive = false
    var startedAt = Duration.zero
    var deadline = Duration.zero
    var isProbe = false
    var firstFailure: Date?
    var lastFailure: Date?
    var lastError: String?
    /// The `error.type` class of the last failure (`FailureClass`).
    var errorType: String?
    var disposition = Disposition.processed
    var publishError: String?
    /// Set once the commit that stored the job's publishes also acked its record.
    var ackedWithPublishes = false
    /// The running attempt's `process` span (tracing on), ended when the attempt is concluded.
    var span: (any Span)?
    /// The `send` spans of the events (or the envelope) the job publishes, ended once they are stored.
    var sends: [any Span] = []
    /// `trace_id` and `span_id` of the latest attempt, for the job's log lines.
    var traceFields: [String: String] = [:]

    init(runner: ConsumerRunner, record: BrokerRecord) {
        self.runner = runner
        self.record = record
        if let retry = record.retry {
            attempt = retry.attempts
            firstFailure = retry.firstFailure
            lastError = retry.lastError
        }
    }

    /// The attempts the record came with (its `RetryState`): `attempt` equals it until one begins here.
    var deliveredAttempts: Int { record.retry?.attempts ?? 0 }

    /// A copy that carries the delivery history on after this object is abandoned.
    func successor() -> Job {
        let next = Job(runner: runner, record: record)
        next.state = state
        next.attempt = attempt
        next.isActive = isActive
        next.startedAt = startedAt
        next.firstFailure = firstFailure
        next.lastFailure = lastFailure
        next.lastError = lastError
        next.errorType = errorType
        next.span = span
        next.traceFields = traceFields
        next.isProbe = isProbe
        return next
    }

    /// The handler's completion: inline when already on the runner's queue, else one hop onto it.
    func complete(_ result: HandlerResult) {
        if DispatchQueue.getSpecific(key: runner.queueKey) == true {
            runner.finish(self, result)
        } else {
            runner.scheduler.execute(on: runner.queue) { self.runner.finish(self, result) }
        }
    }
}
