import FlowCore
import FlowRuntime
import Testing

/// What a durable backend keeps across a restart: the same contract again, on the state it read back.
extension BrokerContractTests {
    /// Declares `orders` (2 partitions) and group `g` on the rig's current broker.
    private func declareOrders(_ rig: BrokerRig, capacity: Int = 100) async throws {
        try await rig.broker.declare(TopicSpec(name: "orders", partitions: 2, capacity: capacity))
        try await rig.broker.declareGroup("g", on: "orders")
    }

    @Test(arguments: Backend.durable)
    func aRestartResumesAtTheWatermarkAndSkipsWhatWasAckedAboveIt(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await declareOrders(rig)
        let (sink, subscription) = try await rig.join("g")
        rig.publish(records("e", keys: Array(repeating: "k", count: 5)))
        rig.scheduler.settle()
        let p = try #require(sink.records.first).position.partition
        subscription.ack([0, 1, 3].map { RecordPosition(partition: p, offset: $0) })
        rig.scheduler.settle()
        let before = try await rig.stats()

        try await rig.restart()
        try await declareOrders(rig)
        let (again, _) = try await rig.join("g", member: "m2")
        #expect(again.ids == ["e2", "e4"], "offsets 2 and 4 were never acked; 3 was, above the watermark")
        let after = try await rig.stats()
        #expect(after.published == 5)
        #expect(after.endOffsets == before.endOffsets)
        #expect(after.committed == before.committed)
    }

    @Test(arguments: Backend.durable)
    func recordsPublishedAfterARestartContinueTheOffsets(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await declareOrders(rig)
        rig.publish(records("a", keys: ["k", "k"]))
        rig.scheduler.settle()
        try await rig.restart()
        try await declareOrders(rig)
        let (sink, subscription) = try await rig.join("g")
        rig.publish(records("b", keys: ["k"]))
        rig.scheduler.settle()
        #expect(sink.ids == ["a0", "a1", "b0"])
        #expect(sink.records.map(\.position.offset) == [0, 1, 2])
        subscription.ack(sink.records.map(\.position))
        rig.scheduler.settle()
        try await rig.restart()
        try await declareOrders(rig)
        let stats = try await rig.stats()
        #expect(stats.retained == 0, "records every group acked are deleted")
        #expect(stats.published == 3)
        #expect(stats.lag(of: "g") == 0)
    }

    @Test(arguments: Backend.durable)
    func aTopicWithoutGroupsKeepsItsRetentionAndEvictionsAcrossARestart(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        let spec = TopicSpec(name: "orders.dlq", retention: 3)
        try await rig.broker.declare(spec)
        rig.publish(records("d", keys: Array(repeating: nil, count: 5)), to: "orders.dlq")
        rig.scheduler.settle()
        try await rig.restart()
        try await rig.broker.declare(spec)
        #expect(try await rig.broker.records(of: "orders.dlq").map(\.event.id) == ["d2", "d3", "d4"])
        let stats = try await rig.stats("orders.dlq")
        #expect(stats.evicted == 2)
        #expect(stats.published == 5)
    }

    @Test(arguments: Backend.durable)
    func aPublishWaitingForRoomIsNotStoredByACrash(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await declareOrders(rig, capacity: 1)
        let stored = rig.publish(records("a", keys: ["k"]))
        let waiting = rig.publish(records("b", keys: ["k"]))
        rig.scheduler.settle()
        #expect(stored.isComplete && !waiting.isComplete)
        try await rig.restart()
        try await declareOrders(rig, capacity: 1)
        let (sink, _) = try await rig.join("g")
        #expect(sink.ids == ["a0"], "the producer was never told b0 was stored, so it is not")
    }
}
