import FlowCore
import Testing

@testable import FlowRuntime

extension ConsumerRunnerTests {
    @Test func retryingKeyHoldsBackOnlyItsOwnLaterEvents() async throws {
        let retry = RetryPolicy(maxAttempts: 3, backoff: .constant, initial: .milliseconds(100))
        let configuration = ConsumerConfiguration(name: "c", topic: "orders", concurrency: 4, retry: retry)
        let h = try await RunnerHarness.make(configuration) { input in
            input.event.id == "e0" && input.attempt == 1 ? .result(.failure(message: "busy")) : .result(.success())
        }
        h.publish(keys: ["A", "B", "A", "B"])
        #expect(h.handler.callDescriptions == ["e0#1@0ms", "e1#1@0ms", "e3#1@0ms"])
        #expect(try await h.committed() == [0])
        h.advance(by: .milliseconds(100))
        #expect(h.handler.callDescriptions == ["e0#1@0ms", "e1#1@0ms", "e3#1@0ms", "e0#2@100ms", "e2#1@100ms"])
        #expect(try await h.committed() == [4])
    }

    @Test func eventsOfOneKeyRunOneAtATimeInOffsetOrder() async throws {
        let configuration = ConsumerConfiguration(name: "c", topic: "orders", concurrency: 4)
        let h = try await RunnerHarness.make(configuration) { _ in .hold }
        h.publish(keys: ["K", "K", nil, "K"])
        #expect(h.handler.held == ["e0#1", "e2#1"])
        h.complete("e0")
        #expect(h.handler.held == ["e1#1", "e2#1"])
        h.complete("e1")
        #expect(h.handler.held == ["e2#1", "e3#1"])
        #expect(h.handler.calls.map(\.id) == ["e0", "e2", "e1", "e3"])
    }

    @Test func eventsWithoutKeyAreIndependent() async throws {
        let retry = RetryPolicy(maxAttempts: 2, backoff: .constant, initial: .seconds(1))
        let configuration = ConsumerConfiguration(name: "c", topic: "orders", concurrency: 1, retry: retry)
        let h = try await RunnerHarness.make(configuration) { input in
            input.event.id == "e0" && input.attempt == 1 ? .result(.failure(message: "x")) : .result(.success())
        }
        h.publish(keys: [nil, nil, nil])
        #expect(h.stats.processed == 2)
        h.advance(by: .seconds(1))
        #expect(h.stats.processed == 3)
    }
}
