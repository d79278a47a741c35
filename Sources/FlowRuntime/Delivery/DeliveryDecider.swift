import FlowCore

/// The pure delivery core: (outcome, attempt, policy, dead-letter topic?, breaker, clock) → decision.
///
/// Invariants:
/// - success, filtered and dropped always ack;
/// - a permanent failure never retries: it dead-letters at once (or is exhausted without a dead-letter topic);
/// - a retryable failure or timeout of attempt `n < maxAttempts` retries after `Backoff.delay`, or after the
///   handler's `retryAfter` when that is longer, but never later than the policy's `max`; if the breaker
///   is open past that moment the decision is `.pause(until:)` instead, so waiting for the breaker never
///   consumes an attempt;
/// - a failure of the last allowed attempt dead-letters (or is exhausted).
///
/// No I/O and no clock reads: the caller passes `now` and the breaker's state, so tests drive it with tables.
public struct DeliveryDecider: Sendable, Hashable {
    /// The consumer's retry policy.
    public var retry: RetryPolicy
    /// Whether the consumer names a dead-letter topic.
    public var hasDeadLetter: Bool

    /// A decider for one consumer's policy.
    public init(retry: RetryPolicy, hasDeadLetter: Bool) {
        self.retry = retry
        self.hasDeadLetter = hasDeadLetter
    }

    /// The decision after `attempt` (1-based) ended with `outcome`, with the breaker in state `breaker`
    /// (nil without a breaker) at scheduler time `now`; `retryAfter` is the least wait the handler asked for.
    public func decide(
        _ outcome: DeliveryOutcome,
        attempt: Int,
        breaker: CircuitBreaker.State?,
        now: Duration,
        random: inout SeededRandom,
        retryAfter: Duration? = nil
    ) -> DeliveryDecision {
        switch outcome {
        case .success, .filtered, .dropped:
            return .ack
        case .failure(_, permanent: true):
            return giveUp(.permanentFailure)
        case .failure(_, permanent: false), .timedOut:
            guard attempt < retry.maxAttempts else { return giveUp(.attemptsExhausted) }
            var delay = Backoff.delay(for: retry, afterFailedAttempt: attempt, random: &random)
            if let retryAfter, retryAfter > delay { delay = min(retryAfter, retry.max) }
            if case .open(let until) = breaker, until > now + delay {
                return .pause(until: until)
            }
            return .retry(after: delay)
        }
    }

    private func giveUp(_ reason: DeliveryDecision.GiveUpReason) -> DeliveryDecision {
        hasDeadLetter ? .deadLetter(reason) : .exhausted(reason)
    }
}
