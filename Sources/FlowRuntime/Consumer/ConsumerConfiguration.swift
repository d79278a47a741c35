import FlowCore

/// The delivery policy of one consumer member, as `ConsumerRunner` enforces it.
///
/// Invariants: `concurrency >= 1`; `window >= concurrency`; `retry.maxAttempts >= 1`; `timeout`, when set,
/// is positive.
public struct ConsumerConfiguration: Sendable {
    /// Credit window used when none is given: records delivered to a member and not yet committed.
    public static let defaultWindow = 512

    /// The consumer's name (logs, dead-letter envelopes, stats).
    public var name: String
    /// The topic it reads.
    public var topic: String
    /// Its consumer group; defaults to the name.
    public var group: String
    /// This member's id within the group; unique per group (one process may run several members).
    public var member: String
    /// Most handler attempts running at once.
    public var concurrency: Int
    /// Per-attempt limit; nil for none.
    public var timeout: Duration?
    /// Attempts (the first included) and backoff.
    public var retry: RetryPolicy
    /// Where given-up events go; nil makes them `exhausted`.
    public var deadLetter: String?
    /// Pauses the member after consecutive failures; nil for none.
    public var circuitBreaker: CircuitBreakerPolicy?
    /// Most records held (queued, running, retrying, publishing) before the broker stops pushing.
    public var window: Int
    /// Topics this consumer's publishes go to past capacity: those through which it closes a cycle back to
    /// its own source (`Pipeline.feedbackTopics`), where waiting for room could stall the cycle for good.
    public var pastCapacity: Set<String>

    /// A configuration; `group` and `member` default to `name`, `window` to `defaultWindow` (never below
    /// `concurrency`).
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
        window: Int? = nil,
        pastCapacity: Set<String> = []
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
        self.pastCapacity = pastCapacity
    }

    /// The policy of a pipeline consumer; `pastCapacity` is `pipeline.feedbackTopics(of: consumer)`.
    public init(
        _ consumer: Pipeline.Consumer,
        member: String? = nil,
        window: Int? = nil,
        pastCapacity: Set<String> = []
    ) {
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
            window: window,
            pastCapacity: pastCapacity
        )
    }
}
