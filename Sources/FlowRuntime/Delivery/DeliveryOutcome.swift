import FlowCore

/// How one attempt at an event ended, as the delivery core sees it.
public enum DeliveryOutcome: Sendable, Hashable {
    /// The handler finished; the event is done.
    case success
    /// A filter rejected the event; it is committed and counted as filtered.
    case filtered
    /// A step dropped the event on purpose; it is committed and counted as dropped.
    case dropped
    /// The handler failed. A `permanent` failure is never retried.
    case failure(message: String, permanent: Bool)
    /// The attempt did not finish within the consumer's `timeout`; its late result is ignored.
    case timedOut(after: Duration)

    /// Whether the attempt failed (and so counts toward `max_attempts` and the circuit breaker).
    public var isFailure: Bool {
        switch self {
        case .success, .filtered, .dropped: false
        case .failure, .timedOut: true
        }
    }

    /// The message logged and stored in `flowerror`; nil for outcomes that are not failures.
    public var errorMessage: String? {
        switch self {
        case .success, .filtered, .dropped: nil
        case .failure(let message, _): message
        case .timedOut(let after): "timed out after \(DurationText.format(after))"
        }
    }
}
