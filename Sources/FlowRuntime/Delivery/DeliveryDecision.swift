/// What the consumer does next with an event, decided by `DeliveryDecider`.
public enum DeliveryDecision: Sendable, Hashable {
    /// Why an event leaves the retry loop without succeeding.
    public enum GiveUpReason: String, Sendable, Hashable {
        /// The handler reported a permanent failure: retrying cannot help.
        case permanentFailure = "permanent failure"
        /// Every allowed attempt failed.
        case attemptsExhausted = "attempts exhausted"
        /// Attempts kept being begun and never finished (`AbandonedAttempts`): each process handling it ended.
        case attemptsAbandoned = "attempts abandoned"
    }

    /// Commit the event (success, filtered or dropped).
    case ack
    /// Attempt again once `after` has passed.
    case retry(after: Duration)
    /// Attempt again, but not before the open circuit breaker lets a probe through at `until`
    /// (scheduler time). Waiting burns no attempt.
    case pause(until: Duration)
    /// Publish the dead-letter envelope to the consumer's dead-letter topic, then commit.
    case deadLetter(GiveUpReason)
    /// No dead-letter topic: log at error, count, commit, and make the run exit 1.
    case exhausted(GiveUpReason)
}
