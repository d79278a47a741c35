/// `circuit_breaker:` — after `failures` consecutive failed attempts the consumer pauses for `openFor`,
/// then lets one probe through; a successful probe closes the breaker, a failed one reopens it.
///
/// Invariant: `failures >= 1` and `openFor > .zero`.
public struct CircuitBreakerPolicy: Sendable, Hashable {
    public var failures: Int
    public var openFor: Duration

    public init(failures: Int, openFor: Duration) {
        self.failures = failures
        self.openFor = openFor
    }
}
