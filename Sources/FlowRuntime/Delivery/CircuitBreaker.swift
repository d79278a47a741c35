import FlowCore

/// The pure circuit-breaker state machine of one consumer member.
///
/// closed(n) —n reaches `failures`→ open(until) —time reaches until→ half-open —probe succeeds→ closed(0);
/// a failed probe reopens it for another `openFor`.
///
/// Invariants:
/// - only retryable failures and timeouts count (a permanent failure is about the event, not the downstream,
///   and leaves the count unchanged); a success, filtered or dropped attempt in closed resets the count;
/// - while open, `acquire` denies every attempt, so the consumer pauses: no attempt is burned and nothing is
///   dead-lettered because of the pause;
/// - half-open grants exactly one probe; results of attempts that started before the breaker opened
///   (stragglers) change nothing while open or half-open;
/// - every state change is returned as a `Transition` so the caller can log it.
public struct CircuitBreaker: Sendable, Hashable {
    /// Where the breaker is.
    public enum State: Sendable, Hashable {
        case closed(consecutiveFailures: Int)
        /// Attempts are denied until `until` (scheduler time).
        case open(until: Duration)
        /// One probe may run; `probeInFlight` tells whether it has been granted.
        case halfOpen(probeInFlight: Bool)
    }

    /// The answer to "may I start an attempt now?".
    public enum Permit: Sendable, Hashable {
        /// Start it.
        case granted
        /// Start it as the single probe; report its result with `probe: true`.
        case probe
        /// Do not start anything; ask again at `until` (nil: when the probe in flight reports).
        case denied(until: Duration?)
    }

    /// A change of state, for the log.
    public enum Transition: Sendable, Hashable {
        case opened(until: Duration)
        case halfOpened
        case closed
    }

    /// The policy this breaker enforces.
    public let policy: CircuitBreakerPolicy
    /// The current state.
    public private(set) var state: State = .closed(consecutiveFailures: 0)

    /// A closed breaker.
    public init(policy: CircuitBreakerPolicy) {
        self.policy = policy
    }

    /// Asks to start one attempt at `now`; may move open → half-open when the open period is over.
    public mutating func acquire(now: Duration) -> (permit: Permit, transition: Transition?) {
        switch state {
        case .closed:
            return (.granted, nil)
        case .open(let until) where now < until:
            return (.denied(until: until), nil)
        case .open:
            state = .halfOpen(probeInFlight: true)
            return (.probe, .halfOpened)
        case .halfOpen(probeInFlight: true):
            return (.denied(until: nil), nil)
        case .halfOpen(probeInFlight: false):
            state = .halfOpen(probeInFlight: true)
            return (.probe, nil)
        }
    }

    /// How an attempt ended, as the breaker counts it.
    public enum AttemptResult: Sendable, Hashable {
        /// Success, filtered or dropped: the downstream works.
        case success
        /// A retryable failure or a timeout.
        case failure
        /// A permanent failure: about the event, not the downstream; counts neither way (a probe that ends
        /// like this gives its place to the next attempt).
        case neutral
    }

    /// Records how an attempt that ended at `now` went; `probe` tells whether it was the granted probe.
    public mutating func record(_ result: AttemptResult, probe: Bool, now: Duration) -> Transition? {
        switch (state, result) {
        case (.closed, .success):
            state = .closed(consecutiveFailures: 0)
            return nil
        case (.closed(let failures), .failure):
            guard failures + 1 >= policy.failures else {
                state = .closed(consecutiveFailures: failures + 1)
                return nil
            }
            return open(now: now)
        case (.halfOpen, .success) where probe:
            state = .closed(consecutiveFailures: 0)
            return .closed
        case (.halfOpen, .failure) where probe:
            return open(now: now)
        case (.halfOpen, .neutral) where probe:
            state = .halfOpen(probeInFlight: false)
            return nil
        default:
            return nil
        }
    }

    /// When the breaker is open, the moment it will let a probe through.
    public var openUntil: Duration? {
        if case .open(let until) = state { return until }
        return nil
    }

    private mutating func open(now: Duration) -> Transition {
        let until = now + policy.openFor
        state = .open(until: until)
        return .opened(until: until)
    }
}
