/// A step of a consumer replaced by scripted outcomes (`flow test`'s `mocks:`): the n-th call of the step
/// gets the n-th outcome, and the last outcome repeats once the script is used up.
///
/// Invariant: `outcomes` is never empty; `step` is the label the runtime gives the step (`step 2 (exec)`,
/// `step 3.1.2 (http)` inside a route), so a mock matches exactly one step of `consumer`.
public struct StepMock: Sendable, Hashable {
    public var consumer: String
    public var step: String
    public var outcomes: [Outcome]

    public init(consumer: String, step: String, outcomes: [Outcome]) {
        precondition(!outcomes.isEmpty, "a step mock needs an outcome")
        self.consumer = consumer
        self.step = step
        self.outcomes = outcomes
    }

    /// What one call of a mocked step does instead of running it.
    public enum Outcome: Sendable, Hashable {
        /// Succeeds; with `data`, the event's data becomes it (as an exec handler's reply would).
        case ok(data: Value?)
        /// Succeeds and emits these events (as an exec handler's `emit` reply would).
        case emit([Emission])
        /// A retryable failure with this message.
        case retry(String)
        /// A permanent failure with this message (dead-lettered at once).
        case fail(String)
        /// An `http` reply with this status and JSON body, read as the real step reads one: 2xx succeeds (an
        /// object body replaces the data), 408, 429 and 5xx retry, other statuses fail permanently.
        case status(Int, body: Value?)
    }

    /// One event a mocked step emits.
    public struct Emission: Sendable, Hashable {
        public var topic: String
        public var type: String?
        public var data: Value?

        public init(topic: String, type: String? = nil, data: Value? = nil) {
            self.topic = topic
            self.type = type
            self.data = data
        }
    }
}
