import FlowCore
import Testing

@testable import FlowRuntime

extension StepHandlerTests {
    @Test func underTheRunnerEmittedEventsLandInTheirTopicsKeyedAndPartitioned() async throws {
        let pipeline = try StepHarness.load(
            consumer: """
                concurrency: 4
                filter: type == "OrderCreated"
                steps:
                  - set: { data.total: "${data.n * 10}" }
                  - route:
                      - when: data.n > 5
                        to: audit
                      - steps:
                          - delay: 100ms
                          - emit: { to: payments, type: PaymentRequested }
                """,
            topics: StepHarness.topics
        )
        let consumer = try #require(pipeline.consumers.first)
        let rig = try await RunnerRig.start(pipeline, handlerSeed: Seeds.derive(42, consumer.name))
        let (scheduler, broker, runner) = (rig.scheduler, rig.broker, rig.runner)

        let events = [
            order("a", data: ["n": 1, "customer": "alice"]),
            order("b", data: ["n": 9, "customer": "bob"]),
            order("c", type: "OrderCancelled", data: ["n": 3, "customer": "carol"]),
            order("d", data: ["n": 2, "customer": "dave"]),
        ]
        broker.publish(events.map { OutgoingRecord(key: nil, event: $0) }, to: "orders")
        scheduler.settle()
        #expect(try await broker.records(of: "payments").isEmpty)
        #expect(try await broker.records(of: "audit").map(\.event.data["total"]) == [90])

        scheduler.advance(by: .milliseconds(100))
        let payments = try await broker.records(of: "payments")
        #expect(Set(payments.compactMap(\.key)) == ["alice", "dave"])
        for record in payments {
            let key = try #require(record.key)
            #expect(record.position.partition == PartitionKey.partition(for: key, partitions: 4))
            #expect(record.event.type == "PaymentRequested")
            #expect(record.event.source == "flow/c")
            #expect(record.event.data["total"] == (key == "alice" ? 10 : 20))
        }
        let stats = runner.stats
        #expect([stats.processed, stats.filtered, stats.dropped] == [3, 1, 0])
        #expect(try await broker.stats(of: "orders").committed[consumer.group] == [4])
    }
}
