import FlowCore

/// The delivery policy of one consumer member, as `ConsumerRunner` enforces it.
///
/// Invariants: `concurrency >= 1`; `window >= concurrency`; `retry.maxAttempts >= 1`; `timeout`, when set,
/// is positive.
public struct ConsumerConfiguration: Sendable {
    /// Credit window used when none is given: records delivered to a member and not yet committed.
    public static let defaultWindow = 512

    public var name: String
    public var topic: String
    public var group: String
    /// This member's id within the group; unique per group (one process may run several members).
    public var member: String
    public var concurrency: Int
    public var timeout: Duration?
    public var retry: RetryPolicy
    public var deadLetter: String?
    public var circuitBreaker: CircuitBreakerPolicy?
    /// Most records held (queued, running, retrying, publishing) before the broker stops pushing.
    public var window: Int

    public init(
        name: String,
        topic: String,
        group: String? = nil,
        member: String? = nil,
        concurrency: Int = 1,
        timeout: Duration? = nil,
        retry: RetryPolicy = .none,
        deadLetter: String? = nil,
        circuitBreaker: CircuitBreakerPolicy? = nil,
        window: Int? = nil
    ) {
        precondition(concurrency >= 1, "concurrency must be at least 1")
        self.name = name
        self.topic = topic
        self.group = group ?? name
        self.member = member ?? name
        self.concurrency = concurrency
        self.timeout = timeout
        self.retry = retry
        self.deadLetter = deadLetter
        self.circuitBreaker = circuitBreaker
        self.window = max(window ?? Self.defaultWindow, concurrency)
    }

    /// The policy of a pipeline consumer.
    public init(_ consumer: Pipeline.Consumer, member: String? = nil, window: Int? = nil) {
        self.init(
            name: consumer.name,
            topic: consumer.from,
            group: consumer.group,
            member: member,
            concurrency: consumer.concurrency,
            timeout: consumer.timeout,
            retry: consumer.retry,
            deadLetter: consumer.deadLetter,
            circuitBreaker: consumer.circuitBreaker,
            window: window
        )
    }
}
