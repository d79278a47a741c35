import FlowRuntime
import Testing

/// Redis only: the pending list counts deliveries, and those that ended with their process (the member that
/// held the entry is gone) count against the attempt budget, so a record that kills its handler's process
/// is dead-lettered after its attempts instead of taking every process down in turn.
@Suite(.enabled(if: Backend.all.contains { $0.name == "redis" }, "needs the redis-server scripts/test.sh starts"))
struct RedisDeliveryCountTests {
    @Test func deliveriesThatEndedWithTheirProcessCountAsAttempts() async throws {
        let rig = try await BrokerRig(.redis)
        var attempts: [Int?] = []
        for crash in 0..<4 {
            if crash > 0 { try await rig.restart() }
            try await rig.broker.declare(TopicSpec(name: "orders"))
            try await rig.broker.declareGroup("g", on: "orders")
            if crash == 0 { rig.publish(records("e", keys: [nil])) }
            rig.scheduler.settle()
            let (sink, _) = try await rig.join("g", member: "m\(crash)")
            let record = try #require(sink.records.first)
            attempts.append(record.retry?.attempts)
            if crash == 3 { #expect(record.retry?.lastError == "its process ended while handling it (3 deliveries)") }
        }
        #expect(attempts == [nil, nil, 1, 2], "every delivery after the first that ended with its process")
    }
}
