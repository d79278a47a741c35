import FlowCore
import Testing

@testable import FlowRuntime

struct DeliveryDeciderTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var outcome: DeliveryOutcome
        var attempt: Int
        var hasDeadLetter: Bool
        var breaker: CircuitBreaker.State?
        var expected: DeliveryDecision

        var testDescription: String { name }
    }

    static let policy = RetryPolicy(maxAttempts: 3, backoff: .exponential, initial: .milliseconds(100))
    static let now = Duration.seconds(10)

    static let cases: [Case] = [
        Case(name: "success acks", outcome: .success, attempt: 1, hasDeadLetter: true, expected: .ack),
        Case(name: "filtered acks", outcome: .filtered, attempt: 2, hasDeadLetter: false, expected: .ack),
        Case(name: "dropped acks", outcome: .dropped, attempt: 3, hasDeadLetter: true, expected: .ack),
        Case(
            name: "first failure retries after initial",
            outcome: .failure(message: "boom", permanent: false),
            attempt: 1,
            hasDeadLetter: true,
            expected: .retry(after: .milliseconds(100))
        ),
        Case(
            name: "second failure retries after doubled delay",
            outcome: .failure(message: "boom", permanent: false),
            attempt: 2,
            hasDeadLetter: true,
            expected: .retry(after: .milliseconds(200))
        ),
        Case(
            name: "timeout retries like a failure",
            outcome: .timedOut(after: .seconds(2)),
            attempt: 1,
            hasDeadLetter: false,
            expected: .retry(after: .milliseconds(100))
        ),
        Case(
            name: "last attempt dead-letters",
            outcome: .failure(message: "boom", permanent: false),
            attempt: 3,
            hasDeadLetter: true,
            expected: .deadLetter(.attemptsExhausted)
        ),
        Case(
            name: "last attempt without dead-letter topic is exhausted",
            outcome: .timedOut(after: .seconds(1)),
            attempt: 3,
            hasDeadLetter: false,
            expected: .exhausted(.attemptsExhausted)
        ),
        Case(
            name: "permanent failure dead-letters on the first attempt",
            outcome: .failure(message: "bad request", permanent: true),
            attempt: 1,
            hasDeadLetter: true,
            expected: .deadLetter(.permanentFailure)
        ),
        Case(
            name: "permanent failure without dead-letter topic is exhausted",
            outcome: .failure(message: "bad request", permanent: true),
            attempt: 1,
            hasDeadLetter: false,
            expected: .exhausted(.permanentFailure)
        ),
        Case(
            name: "open breaker past the delay pauses until it closes",
            outcome: .failure(message: "down", permanent: false),
            attempt: 1,
            hasDeadLetter: true,
            breaker: .open(until: .seconds(40)),
            expected: .pause(until: .seconds(40))
        ),
        Case(
            name: "open breaker ending before the delay retries normally",
            outcome: .failure(message: "down", permanent: false),
            attempt: 2,
            hasDeadLetter: true,
            breaker: .open(until: .milliseconds(10_100)),
            expected: .retry(after: .milliseconds(200))
        ),
        Case(
            name: "open breaker does not save an event out of attempts",
            outcome: .failure(message: "down", permanent: false),
            attempt: 3,
            hasDeadLetter: true,
            breaker: .open(until: .seconds(40)),
            expected: .deadLetter(.attemptsExhausted)
        ),
    ]

    @Test(arguments: cases)
    func decisionMatchesTable(_ row: Case) {
        let decider = DeliveryDecider(retry: Self.policy, hasDeadLetter: row.hasDeadLetter)
        var random = SeededRandom(seed: 3)
        let decision = decider.decide(
            row.outcome,
            attempt: row.attempt,
            breaker: row.breaker,
            now: Self.now,
            random: &random
        )
        #expect(decision == row.expected)
    }

    @Test func singleAttemptPolicyNeverRetries() {
        let decider = DeliveryDecider(retry: .none, hasDeadLetter: true)
        var random = SeededRandom(seed: 3)
        let decision = decider.decide(
            .failure(message: "x", permanent: false),
            attempt: 1,
            breaker: nil,
            now: .zero,
            random: &random
        )
        #expect(decision == .deadLetter(.attemptsExhausted))
    }

    @Test func timeoutMessageNamesTheLimit() {
        #expect(DeliveryOutcome.timedOut(after: .seconds(2)).errorMessage == "timed out after 2s")
        #expect(DeliveryOutcome.timedOut(after: .milliseconds(250)).errorMessage == "timed out after 250ms")
        #expect(DeliveryOutcome.success.errorMessage == nil)
    }
}
