extension Pipeline {
    /// A consumer: a group member reading one topic and running its steps per event.
    ///
    /// Invariant: `concurrency >= 1`; `retry.maxAttempts >= 1`; `timeout`, when set, is positive.
    public struct Consumer: Sendable {
        public var name: String
        public var from: String
        /// Consumers sharing a group split the work; every group sees every event. Defaults to the name.
        public var group: String
        public var concurrency: Int
        public var filter: Expression?
        public var steps: [Step]
        /// Per-attempt limit; a late result is ignored and the attempt counts as failed.
        public var timeout: Duration?
        public var retry: RetryPolicy
        public var deadLetter: String?
        public var circuitBreaker: CircuitBreakerPolicy?
        public var location: SourceLocation

        public init(
            name: String,
            from: String,
            group: String? = nil,
            concurrency: Int = 1,
            filter: Expression? = nil,
            steps: [Step],
            timeout: Duration? = nil,
            retry: RetryPolicy = .none,
            deadLetter: String? = nil,
            circuitBreaker: CircuitBreakerPolicy? = nil,
            location: SourceLocation
        ) {
            self.name = name
            self.from = from
            self.group = group ?? name
            self.concurrency = concurrency
            self.filter = filter
            self.steps = steps
            self.timeout = timeout
            self.retry = retry
            self.deadLetter = deadLetter
            self.circuitBreaker = circuitBreaker
            self.location = location
        }
    }
}
