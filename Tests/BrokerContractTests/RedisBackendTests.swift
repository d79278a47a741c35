import FlowRESP
import FlowRedis
import FlowRuntime
import Testing

/// What only the Redis backend does, beyond the contract every backend passes.
@Suite(.enabled(if: Backend.all.contains { $0.name == "redis" }, "needs the redis-server scripts/test.sh starts"))
struct RedisBackendTests {
    /// A member that leaves with nothing pending is removed from its Redis consumer groups, so restarts do not
    /// pile up consumers; one leaving with entries pending stays until another member claims them.
    @Test func aMemberLeavingWithNothingPendingIsNoLongerAConsumer() async throws {
        let rig = try await BrokerRig(.redis)
        try await rig.broker.declare(TopicSpec(name: "orders", partitions: 2))
        try await rig.broker.declareGroup("g", on: "orders")
        rig.publish(records("e", keys: ["a", "b", "c", "d"]))
        rig.scheduler.settle()
        let (sink, first) = try await rig.join("g")
        let (_, second) = try await rig.join("g", member: "m2")
        first.ack(sink.records.map(\.position))
        rig.scheduler.settle()
        first.close {}
        second.close {}
        rig.scheduler.settle()
        let client = RESPClient(Backend.redisConfiguration)
        var consumers = 0
        for partition in 0..<2 {
            let reply = try await client.send(
                RESPCommand("XINFO", "CONSUMERS", RESPArgument("flow:{\(rig.location)}:s:orders:\(partition)"), "g")
            )
            consumers += reply.array?.count ?? 0
        }
        #expect(consumers == 0)
    }

    /// A key someone else wrote with another type is refused by Redis; the error names the command and the key.
    @Test func aKeyOfAnotherTypeIsAnErrorNamingTheKey() async throws {
        let rig = try await BrokerRig(.redis)
        let key = "flow:{\(rig.location)}:t:orders"
        let client = RESPClient(Backend.redisConfiguration)
        try await client.send(RESPCommand("SET", RESPArgument(key), "not a hash"))
        do {
            try await rig.broker.declare(TopicSpec(name: "orders"))
            Issue.record("declared a topic over a string key")
        } catch {
            #expect("\(error)".contains("WRONGTYPE"), "\(error)")
            #expect("\(error)".contains(key), "\(error)")
        }
        try await client.send(RESPCommand("DEL", RESPArgument(key)))
    }
}

extension RedisBackendTests {
    /// A replay beside a running pipeline keeps the target's capacity: what has no room stays a dead letter,
    /// counted per topic (envelopes for other topics still go), and a later replay moves it once the consumers
    /// made room.
    @Test func aReplayKeepsTheTargetsCapacityAndLeavesTheRestForLater() async throws {
        let rig = try await BrokerRig(.redis)
        let redis = try #require(rig.broker as? RedisBroker)
        try await rig.broker.declare(TopicSpec(name: "orders", partitions: 1, capacity: 2))
        try await rig.broker.declare(TopicSpec(name: "orders.dlq", partitions: 1))
        try await rig.broker.declare(TopicSpec(name: "payments", partitions: 1))
        try await rig.broker.declareGroup("g", on: "orders")
        // The last envelope goes to another topic, which has room: a full "orders" does not hold it back.
        let envelopes = records("d", keys: ["a", "b", "c", "p"]).map { record in
            var record = record
            record.event.extensions["flowsourcetopic"] = .string(record.key == "p" ? "payments" : "orders")
            record.event.extensions["flowerror"] = .string("declined")
            return record
        }
        rig.publish(envelopes, to: "orders.dlq")
        rig.scheduler.settle()

        let first = try await redis.replayDeadLetters(from: "orders.dlq", to: nil, limit: nil, dryRun: false) { _ in
            true
        }
        #expect(first.replayed.map(\.event.id) == ["d0", "d1", "d3"])
        #expect(first.leftForRoom == ["orders": 1])
        #expect(try await redis.records(of: "payments").map(\.event.id) == ["d3"])
        #expect(try await redis.records(of: "orders.dlq").map(\.event.id) == ["d2"])
        let replayed = try await redis.records(of: "orders")
        #expect(replayed.map(\.event.id) == ["d0", "d1"])
        #expect(replayed.map(\.key) == ["a", "b"])
        #expect(replayed.allSatisfy { $0.event.extensions["flowerror"] == nil })
        #expect(replayed.allSatisfy { $0.event.extensions["flowpreviouserrors"] == .string("declined") })

        let (sink, member) = try await rig.join("g")
        member.ack(sink.records.map(\.position))
        rig.scheduler.settle()
        let second = try await redis.replayDeadLetters(from: "orders.dlq", to: nil, limit: nil, dryRun: false) { _ in
            true
        }
        #expect(second.replayed.map(\.event.id) == ["d2"])
        #expect(second.leftForRoom.isEmpty)
        #expect(try await redis.records(of: "orders.dlq").isEmpty)
        member.close {}
        rig.scheduler.settle()
    }
}
