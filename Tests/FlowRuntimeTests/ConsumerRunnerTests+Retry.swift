import FlowCore
import Synchronization
import Testing

@testable import FlowRuntime

extension ConsumerRunnerTests {
    @Test func failingTwiceThenSucceedingFollowsTheExactRetryTimeline() async throws {
        let retry = RetryPolicy(maxAttempts: 5, backoff: .exponential, initial: .milliseconds(100), max: .seconds(10))
        let h = try await RunnerHarness.make(ConsumerConfiguration(name: "c", topic: "orders", retry: retry)) { input in
            input.attempt < 3 ? .result(.failure(message: "boom \(input.attempt)")) : .result(.success())
        }
        h.publish(keys: [nil])
        h.advance(by: .seconds(1))
        #expect(h.handler.callDescriptions == ["e0#1@0ms", "e0#2@100ms", "e0#3@300ms"])
        let warnings = h.logs.entries("event retry scheduled")
        #expect(warnings.map(\.level) == [.warning, .warning])
        #expect(warnings.map { $0.metadata["flow.attempt"] } == ["1", "2"])
        #expect(warnings.map { $0.metadata["flow.next_delay_ms"] } == ["100", "200"])
        #expect(warnings.map { $0.metadata["flow.error"] } == ["boom 1", "boom 2"])
        #expect(h.stats.retried == 2)
        #expect(h.stats.processed == 1)
        #expect(try await h.committed() == [1])
    }

    @Test func nothingIsCommittedWhileARetryIsPending() async throws {
        let retry = RetryPolicy(maxAttempts: 3, backoff: .constant, initial: .seconds(1))
        let h = try await RunnerHarness.make(ConsumerConfiguration(name: "c", topic: "orders", retry: retry)) { input in
            input.attempt == 1 ? .result(.failure(message: "later")) : .result(.success())
        }
        h.publish(keys: [nil])
        #expect(try await h.committed() == [0])
        h.advance(by: .seconds(1))
        #expect(try await h.committed() == [1])
    }

    @Test func timedOutAttemptFailsAndItsLateCompletionIsIgnored() async throws {
        let configuration = ConsumerConfiguration(
            name: "c",
            topic: "orders",
            timeout: .seconds(2),
            retry: RetryPolicy(maxAttempts: 2, backoff: .constant, initial: .milliseconds(100))
        )
        let h = try await RunnerHarness.make(configuration) { _ in .hold }
        h.publish(keys: [nil])
        h.advance(by: .milliseconds(1999))
        #expect(h.logs.entries("event retry scheduled").isEmpty)
        h.advance(by: .milliseconds(1))
        let warning = try #require(h.logs.entries("event retry scheduled").first)
        #expect(warning.metadata["flow.error"] == "timed out after 2s")
        h.complete("e0", attempt: 1, with: .success())
        #expect(h.stats.processed == 0)
        #expect(try await h.committed() == [0])
        h.advance(by: .milliseconds(100))
        #expect(h.handler.callDescriptions == ["e0#1@0ms", "e0#2@2100ms"])
        h.complete("e0", attempt: 2, with: .success())
        #expect(h.stats.processed == 1)
        #expect(h.stats.retried == 1)
        #expect(try await h.committed() == [1])
    }

    @Test func timeoutsOfManyAttemptsFireAtTheirOwnDeadlines() async throws {
        let configuration = ConsumerConfiguration(
            name: "c",
            topic: "orders",
            concurrency: 2,
            timeout: .seconds(1),
            deadLetter: "orders.dlq"
        )
        let h = try await RunnerHarness.make(configuration) { _ in .hold }
        h.publish(keys: [nil])
        h.advance(by: .milliseconds(400))
        h.publish(keys: [nil], prefix: "f")
        h.complete("e0")
        h.advance(by: .milliseconds(999))
        #expect(h.stats.deadLettered == 0)
        h.advance(by: .milliseconds(1))
        let dead = try await h.deadLetters()
        #expect(dead.map(\.event.id) == ["f0"])
        #expect(dead.first?.event.extensions["flowlastfailure"] == "2026-01-01T00:00:01.400Z")
    }
}

extension ConsumerRunnerTests {
    /// A harness whose consumer tries 3 times and dead-letters, with record `r0` handed to it by the broker with
    /// `state` (as after a restart or from another member).
    private func handedBack(
        _ state: (RunnerHarness) -> RetryState,
        script: @escaping @Sendable (HandlerInput) -> ScriptedHandler.Reply
    ) async throws -> RunnerHarness {
        let configuration = ConsumerConfiguration(
            name: "c",
            topic: "orders",
            retry: RetryPolicy(maxAttempts: 3, backoff: .constant, initial: .seconds(1)),
            deadLetter: "orders.dlq"
        )
        let h = try await RunnerHarness.make(configuration, script: script)
        let record = BrokerRecord(
            position: RecordPosition(partition: 0, offset: 0),
            key: nil,
            event: CloudEvent(id: "r0", source: "tests", type: "Test"),
            retry: state(h)
        )
        h.scheduler.execute(on: h.runner.queue) { h.runner.receive([record]) }
        return h
    }

    @Test func aRecordHandedBackWaitingForARetryKeepsItsAttemptsAndItsDueTime() async throws {
        let h = try await handedBack(
            { h in
                RetryState(
                    attempts: 2,
                    due: h.scheduler.wallClock.addingTimeInterval(5),
                    firstFailure: h.scheduler.wallClock.addingTimeInterval(-60),
                    lastError: "gateway timeout"
                )
            },
            script: { _ in .result(.failure(message: "still down")) }
        )
        h.advance(by: .milliseconds(4999))
        #expect(h.handler.callDescriptions.isEmpty, "not before the stored due time")
        h.advance(by: .milliseconds(1))
        #expect(h.handler.callDescriptions == ["r0#3@5000ms"], "attempt 3: the budget is not granted afresh")
        let envelope = try #require(try await h.deadLetters().first).event
        #expect(envelope.extensions["flowattempts"] == 3)
        #expect(h.stats.retried == 1)
    }

    @Test func aRecordHandedBackWithNoAttemptLeftIsDeadLetteredWithoutRunning() async throws {
        // Its stored attempts already reach the budget (lowered since, say, on a durable store).
        let h = try await handedBack(
            { h in
                RetryState(
                    attempts: 3,
                    due: h.scheduler.wallClock,
                    firstFailure: h.scheduler.wallClock,
                    lastError: "gateway timeout"
                )
            },
            script: { _ in .result(.success(emitted: [])) }
        )
        h.advance(by: .milliseconds(1))
        #expect(h.handler.callDescriptions.isEmpty, "no attempt is left to run")
        let envelope = try #require(try await h.deadLetters().first).event
        #expect(envelope.extensions["flowattempts"] == 3)
        #expect(envelope.extensions["flowerror"] == "gateway timeout")
        #expect(h.stats.deadLettered == 1)
    }
}
