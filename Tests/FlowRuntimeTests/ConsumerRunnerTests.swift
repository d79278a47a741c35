import FlowCore
import FlowTesting
import Testing

@testable import FlowRuntime

struct ConsumerRunnerTests {
    @Test func successfulEventsAreCommittedAndCounted() async throws {
        let h = try await RunnerHarness.make()
        h.publish(keys: [nil, "a", nil])
        #expect(h.stats.received == 3)
        #expect(h.stats.processed == 3)
        #expect(try await h.committed() == [3])
    }

    @Test func filteredAndDroppedEventsAreCommittedAndCounted() async throws {
        let h = try await RunnerHarness.make { input in
            switch input.event.id {
            case "e0": .result(.filtered)
            case "e1": .result(.dropped)
            default: .result(.success())
            }
        }
        h.publish(keys: [nil, nil, nil])
        let stats = h.stats
        #expect([stats.filtered, stats.dropped, stats.processed] == [1, 1, 1])
        #expect(try await h.committed() == [3])
    }

    @Test func everyDeliveryIsLoggedAtDebugWithItsPosition() async throws {
        let h = try await RunnerHarness.make()
        h.publish(keys: [nil, nil])
        let entries = h.logs.entries("event delivered")
        #expect(entries.map(\.level) == [.debug, .debug])
        #expect(entries.map { $0.metadata["flow.offset"] } == ["0", "1"])
        #expect(entries.first?.metadata["flow.event_id"] == "e0")
        #expect(entries.first?.metadata["flow.consumer"] == "c")
        #expect(entries.first?.metadata["flow.topic"] == "orders")
        #expect(entries.first?.metadata["flow.partition"] == "0")
    }

    @Test func emittedEventsAreStoredInTheSameStepAsTheAckOfTheirSource() async throws {
        let h = try await RunnerHarness.make(topics: [TopicSpec(name: "payments", capacity: 1)]) { input in
            let emitted = EmittedEvent(topic: "payments", key: "k", event: event("p-\(input.event.id)"))
            return .result(.success(emitted: [emitted]))
        }
        try await h.broker.declareGroup("audit", on: "payments")
        let audit = CollectingSink()
        let request = SubscriptionRequest(
            topic: "payments",
            group: "audit",
            member: "a",
            window: 10,
            queue: callbackQueue
        )
        let subscription = try await h.broker.subscribe(request, sink: audit)
        h.publish(keys: [nil, nil])
        // p-e1 does not fit yet (capacity 1), so e1 stays unacked; e0 was acked with p-e0, not before.
        #expect(audit.ids == ["p-e0"])
        #expect(h.stats.processed == 1)
        #expect(try await h.committed() == [1])
        subscription.ack(audit.records.map(\.position))
        h.scheduler.settle()
        #expect(audit.ids == ["p-e0", "p-e1"])
        #expect(h.stats.processed == 2)
        #expect(try await h.committed() == [2])
    }

    @Test func handlerLatencyPercentilesComeFromTheClock() async throws {
        let h = try await RunnerHarness.make { _ in .hold }
        h.publish(keys: [nil])
        h.advance(by: .milliseconds(250))
        h.complete("e0")
        let p50 = try #require(h.stats.p50)
        #expect(abs(DurationText.milliseconds(p50) - 250) < 1)
        #expect(h.stats.p99 == p50)
    }
}
