import FlowCore
import Testing

@testable import FlowRuntime

extension ConsumerRunnerTests {
    @Test func permanentFailureIsDeadLetteredAtOnce() async throws {
        let configuration = ConsumerConfiguration(
            name: "c",
            topic: "orders",
            retry: RetryPolicy(maxAttempts: 5),
            deadLetter: "orders.dlq"
        )
        let h = try await RunnerHarness.make(configuration) { _ in
            .result(.failure(message: "400 bad request", permanent: true))
        }
        h.publish(keys: [nil])
        #expect(h.handler.callDescriptions == ["e0#1@0ms"])
        #expect(h.stats.deadLettered == 1)
        #expect(h.stats.retried == 0)
        #expect(try await h.deadLetters().map(\.event.id) == ["e0"])
        #expect(try await h.committed() == [1])
        let entry = try #require(h.logs.entries("event dead-lettered").first)
        #expect(entry.level == .error)
        #expect(entry.metadata["flow.reason"] == "permanent failure")
        #expect(entry.metadata["flow.dead_letter_topic"] == "orders.dlq")
    }

    @Test func deadLetterEnvelopeKeepsTheEventAndAddsItsHistory() async throws {
        let configuration = ConsumerConfiguration(
            name: "payment-service",
            topic: "orders",
            group: "payments",
            retry: RetryPolicy(maxAttempts: 3, backoff: .constant, initial: .milliseconds(100)),
            deadLetter: "orders.dlq"
        )
        let h = try await RunnerHarness.make(configuration) { input in
            .result(.failure(message: "boom \(input.attempt)"))
        }
        var original = event("order-7", type: "OrderCreated", data: ["amount": 12])
        original.extensions["traceparent"] = "00-abc-01"
        h.publish([original], key: "customer-3")
        h.advance(by: .seconds(1))
        let dead = try #require(try await h.deadLetters().first)
        #expect(dead.key == "customer-3")
        #expect(dead.event.id == "order-7")
        #expect(dead.event.type == "OrderCreated")
        #expect(dead.event.source == "tests")
        #expect(dead.event.data == ["amount": 12])
        #expect(
            dead.event.extensions == [
                "traceparent": "00-abc-01",
                "flowsourcetopic": "orders",
                "flowpartition": 0,
                "flowoffset": 0,
                "flowconsumer": "payment-service",
                "flowgroup": "payments",
                "flowattempts": 3,
                "flowfirstfailure": "2026-01-01T00:00:00.000Z",
                "flowlastfailure": "2026-01-01T00:00:00.200Z",
                "flowerror": "boom 3",
            ]
        )
        #expect(h.stats.deadLettered == 1)
        #expect(h.stats.retried == 2)
    }

    @Test func exhaustedEventWithoutDeadLetterTopicIsCountedLoggedAndCommitted() async throws {
        let configuration = ConsumerConfiguration(
            name: "c",
            topic: "orders",
            retry: RetryPolicy(maxAttempts: 2, backoff: .constant, initial: .milliseconds(10))
        )
        let h = try await RunnerHarness.make(configuration) { _ in .result(.failure(message: "down")) }
        h.publish(keys: [nil])
        h.advance(by: .milliseconds(10))
        #expect(h.stats.exhausted == 1)
        #expect(h.stats.deadLettered == 0)
        let entry = try #require(h.logs.entries("event exhausted").first)
        #expect(entry.level == .error)
        #expect(entry.metadata["flow.error"] == "down")
        #expect(entry.metadata["flow.attempt"] == "2")
        #expect(entry.metadata["flow.reason"] == "attempts exhausted")
        #expect(try await h.committed() == [1])
    }

    @Test func deadLetterToAMissingTopicCountsAsExhausted() async throws {
        let configuration = ConsumerConfiguration(name: "c", topic: "orders", deadLetter: "nowhere")
        let h = try await RunnerHarness.make(configuration) { _ in .result(.failure(message: "bad", permanent: true)) }
        h.publish(keys: [nil])
        #expect(h.stats.exhausted == 1)
        let entry = try #require(h.logs.entries("event exhausted").first)
        #expect(entry.metadata["flow.error"] == "bad; publish to \"nowhere\" failed: topic \"nowhere\" is not declared")
    }
}
