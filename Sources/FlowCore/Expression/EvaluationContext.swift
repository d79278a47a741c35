import Foundation

/// What an expression reads while evaluating. A value type: callers keep one per worker and mutate
/// `random` through `inout` evaluation, so runs under a seed are repeatable.
public struct EvaluationContext: Sendable {
    public var event: CloudEvent?
    /// 1 on the first attempt.
    public var attempt: Int
    /// The producer's running number, from 1.
    public var seq: Int
    public var random: SeededRandom
    /// What `now()` returns.
    public var now: Date

    public init(event: CloudEvent? = nil, attempt: Int = 1, seq: Int = 0, random: SeededRandom, now: Date = Date()) {
        self.event = event
        self.attempt = attempt
        self.seq = seq
        self.random = random
        self.now = now
    }
}
