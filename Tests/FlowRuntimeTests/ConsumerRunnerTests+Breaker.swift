import FlowCore
import Synchronization
import Testing

@testable import FlowRuntime

extension ConsumerRunnerTests {
    @Test func openBreakerPausesWithoutBurningAttempts() async throws {
        let configuration = ConsumerConfiguration(
            name: "c",
            topic: "orders",
            retry: RetryPolicy(maxAttempts: 3, backoff: .constant, initial: .milliseconds(100)),
            deadLetter: "orders.dlq",
            circuitBreaker: CircuitBreakerPolicy(failures: 2, openFor: .seconds(30))
        )
        let clock = ManualClockBox()
        let h = try await RunnerHarness.make(configuration) { _ in
            clock.now < .seconds(30) ? .result(.failure(message: "503")) : .result(.success())
        }
        clock.scheduler = h.scheduler
        h.publish(keys: [nil, nil])
        #expect(h.handler.callDescriptions == ["e0#1@0ms", "e1#1@0ms"])
        h.advance(by: .milliseconds(29_999))
        #expect(h.handler.calls.count == 2)
        #expect(h.stats.deadLettered == 0)
        h.advance(by: .milliseconds(1))
        #expect(h.handler.callDescriptions == ["e0#1@0ms", "e1#1@0ms", "e0#2@30000ms", "e1#2@30000ms"])
        #expect(h.stats.processed == 2)
        #expect(h.stats.deadLettered == 0)
        #expect(
            h.logs.entries.filter { $0.message.hasPrefix("circuit breaker") }.map(\.message) == [
                "circuit breaker opened", "circuit breaker half-open", "circuit breaker closed",
            ]
        )
        #expect(h.logs.entries("circuit breaker opened").first?.metadata["flow.open_for_ms"] == "30000")
    }

    @Test func halfOpenBreakerStartsOneProbeAndReopensWhenItFails() async throws {
        let configuration = ConsumerConfiguration(
            name: "c",
            topic: "orders",
            concurrency: 4,
            retry: RetryPolicy(maxAttempts: 10, backoff: .constant, initial: .milliseconds(100)),
            circuitBreaker: CircuitBreakerPolicy(failures: 1, openFor: .seconds(5))
        )
        let h = try await RunnerHarness.make(configuration) { input in
            input.event.id == "e0" ? .result(.failure(message: "503")) : .hold
        }
        h.publish(keys: [nil])
        h.publish(keys: [nil, nil], prefix: "f")
        #expect(h.handler.callDescriptions == ["e0#1@0ms"])
        h.advance(by: .seconds(5))
        #expect(h.handler.callDescriptions == ["e0#1@0ms", "e0#2@5000ms"])
        h.advance(by: .seconds(5))
        #expect(h.handler.callDescriptions == ["e0#1@0ms", "e0#2@5000ms", "e0#3@10000ms"])
        #expect(h.handler.held.isEmpty)
    }
}

/// Lets a handler script read the virtual clock of a harness created after the script.
final class ManualClockBox: Sendable {
    private let box = Mutex<ManualScheduler?>(nil)

    var scheduler: ManualScheduler? {
        get { box.withLock { $0 } }
        set { box.withLock { $0 = newValue } }
    }

    var now: Duration { scheduler?.now ?? .zero }
}
