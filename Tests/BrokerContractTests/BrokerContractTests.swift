import FlowCore
import FlowRuntime
import FlowTesting
import Testing

/// The broker contract of `Broker` (docs/delivery.md), once, for every backend in `Backend.all`.
struct BrokerContractTests {
    @Test(arguments: Backend.all)
    func recordsWithEqualKeysShareAPartitionInPublishOrder(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders", partitions: 4))
        try await rig.broker.declareGroup("g", on: "orders")
        let (sink, _) = try await rig.join("g")
        rig.publish(records("e", keys: ["alice", "bob", "alice", "carol", "bob", "alice"]))
        rig.scheduler.settle()
        let received = sink.records
        #expect(received.count == 6)
        for record in received {
            #expect(record.position.partition == PartitionKey.partition(for: record.key!, partitions: 4))
        }
        let alice = received.filter { $0.key == "alice" }
        #expect(alice.map(\.event.id) == ["e0", "e2", "e5"])
        #expect(alice.map(\.position.offset) == alice.map(\.position.offset).sorted())
    }

    @Test(arguments: Backend.all)
    func recordsWithoutKeyGoRoundRobin(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders", partitions: 3))
        rig.publish(records("e", keys: [nil, nil, nil, nil]))
        rig.scheduler.settle()
        let stored = try await rig.broker.records(of: "orders")
        #expect(
            stored.map(\.position) == [
                RecordPosition(partition: 0, offset: 0), RecordPosition(partition: 0, offset: 1),
                RecordPosition(partition: 1, offset: 0), RecordPosition(partition: 2, offset: 0),
            ]
        )
        #expect(stored.map(\.event.id) == ["e0", "e3", "e1", "e2"])
    }

    @Test(arguments: Backend.all)
    func everyGroupSeesEveryRecord(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders", partitions: 2))
        try await rig.broker.declareGroup("billing", on: "orders")
        try await rig.broker.declareGroup("shipping", on: "orders")
        let (billing, _) = try await rig.join("billing")
        let (shipping, _) = try await rig.join("shipping")
        rig.publish(records("e", keys: ["a", "b", "c", nil, nil]))
        rig.scheduler.settle()
        #expect(Set(billing.ids) == ["e0", "e1", "e2", "e3", "e4"])
        #expect(Set(shipping.ids) == ["e0", "e1", "e2", "e3", "e4"])
    }

    @Test(arguments: Backend.all)
    func membersOfAGroupShareThePartitions(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders", partitions: 4))
        try await rig.broker.declareGroup("g", on: "orders")
        let (first, _) = try await rig.join("g", member: "m1")
        let (second, _) = try await rig.join("g", member: "m2")
        rig.publish(records("e", keys: Array(repeating: nil, count: 8)))
        rig.scheduler.settle()
        #expect(Set(first.records.map(\.position.partition)) == [0, 2])
        #expect(Set(second.records.map(\.position.partition)) == [1, 3])
        #expect(Set(first.ids).union(second.ids).count == 8)
        #expect(Set(first.ids).isDisjoint(with: second.ids))
    }

    @Test(arguments: Backend.all)
    func duplicateMemberIsRefused(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders"))
        try await rig.broker.declareGroup("g", on: "orders")
        _ = try await rig.join("g", member: "m1")
        await #expect(throws: BrokerError.duplicateMember(member: "m1", group: "g")) {
            _ = try await rig.join("g", member: "m1")
        }
    }

    @Test(arguments: Backend.all)
    func watermarkIsTheLowestOffsetNotYetAcked(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders"))
        try await rig.broker.declareGroup("g", on: "orders")
        let (_, subscription) = try await rig.join("g")
        rig.publish(records("e", keys: [nil, nil, nil, nil]))
        rig.scheduler.settle()
        subscription.ack([RecordPosition(partition: 0, offset: 2), RecordPosition(partition: 0, offset: 1)])
        rig.scheduler.settle()
        #expect(try await rig.stats().committed["g"] == [0])
        subscription.ack([RecordPosition(partition: 0, offset: 0)])
        rig.scheduler.settle()
        #expect(try await rig.stats().committed["g"] == [3])
        subscription.ack([RecordPosition(partition: 0, offset: 1), RecordPosition(partition: 0, offset: 3)])
        rig.scheduler.settle()
        let stats = try await rig.stats()
        #expect(stats.committed["g"] == [4])
        #expect(stats.lag(of: "g") == 0)
        #expect(stats.retained == 0)
    }

    @Test(arguments: Backend.all)
    func creditWindowBoundsUnackedDeliveries(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders"))
        try await rig.broker.declareGroup("g", on: "orders")
        let (sink, subscription) = try await rig.join("g", window: 3)
        rig.publish(records("e", keys: Array(repeating: nil, count: 10)))
        rig.scheduler.settle()
        #expect(sink.ids == ["e0", "e1", "e2"])
        subscription.ack([RecordPosition(partition: 0, offset: 1)])
        rig.scheduler.settle()
        #expect(sink.ids == ["e0", "e1", "e2", "e3"])
    }

    @Test(arguments: Backend.all)
    func fullPartitionDefersPublishUntilAcksMakeRoom(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders", capacity: 3))
        try await rig.broker.declareGroup("g", on: "orders")
        let (sink, subscription) = try await rig.join("g")
        let first = rig.publish(records("a", keys: Array(repeating: nil, count: 5)))
        let second = rig.publish(records("b", keys: [nil]))
        rig.scheduler.settle()
        var stats = try await rig.stats()
        #expect(!first.isComplete && !second.isComplete)
        #expect(stats.retained == 3)
        #expect(stats.waitingPublishes == 2)
        #expect(sink.ids == ["a0", "a1", "a2"])

        subscription.ack([RecordPosition(partition: 0, offset: 0), RecordPosition(partition: 0, offset: 1)])
        rig.scheduler.settle()
        #expect(first.isComplete && !second.isComplete)
        stats = try await rig.stats()
        #expect(stats.retained == 3)

        subscription.ack((2...4).map { RecordPosition(partition: 0, offset: $0) })
        rig.scheduler.settle()
        #expect(second.isComplete)
        #expect(sink.ids == ["a0", "a1", "a2", "a3", "a4", "b0"])
    }

    @Test(arguments: Backend.all)
    func offerStoresWhatFitsAndRefusesTheRestWithoutWaiting(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders", partitions: 2, capacity: 2))
        try await rig.broker.declareGroup("g", on: "orders")
        let keys = ["k1", "k1", "k1", "k2"]
        let partitions = keys.map { PartitionKey.partition(for: $0, partitions: 2) }
        try #require(partitions[0] != partitions[3], "k1 and k2 must land on different partitions")
        #expect(try rig.offer(records("a", keys: keys)) == [true, true, false, true])
        var stats = try await rig.stats()
        #expect(stats.published == 3)
        #expect(stats.waitingPublishes == 0, "a refused record is not parked")

        // A publish waiting for room in k1's partition goes first there; k2's partition still takes offers.
        let waiting = rig.publish(records("b", keys: ["k1"]))
        rig.scheduler.settle()
        #expect(!waiting.isComplete)
        #expect(try rig.offer(records("c", keys: ["k1", "k2"])) == [false, true])
        stats = try await rig.stats()
        #expect(stats.published == 4)
    }

    @Test(arguments: Backend.all)
    func offerPutsAKeylessRecordOnAnyPartitionWithRoom(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        // k1 fills its partition; the keyless records must all find the other one, whichever round-robin
        // would have picked.
        try await rig.broker.declare(TopicSpec(name: "orders", partitions: 2, capacity: 2))
        try await rig.broker.declareGroup("g", on: "orders")
        #expect(try rig.offer(records("a", keys: ["k1", "k1", nil, nil, nil])) == [true, true, true, true, false])
        let stats = try await rig.stats()
        #expect(stats.published == 4)
    }

    @Test(arguments: Backend.all)
    func aPublishPastCapacityIsStoredAtOnceAheadOfWaitingBatches(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders", capacity: 2))
        try await rig.broker.declareGroup("g", on: "orders")
        let waiting = rig.publish(records("a", keys: [nil, nil, nil]))
        rig.scheduler.settle()
        #expect(!waiting.isComplete)
        let probe = rig.publish(records("b", keys: [nil, nil]), pastCapacity: true)
        rig.scheduler.settle()
        #expect(probe.isComplete)
        #expect(!waiting.isComplete, "the waiting batch still waits for room")
        let stats = try await rig.stats()
        #expect(stats.published == 4)
        #expect(stats.retained == 4)
    }

    @Test(arguments: Backend.all)
    func aFullPartitionHoldsBackOnlyTheRecordsBoundForIt(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders", partitions: 2, capacity: 1))
        try await rig.broker.declareGroup("g", on: "orders")
        let (sink, subscription) = try await rig.join("g")
        let (k1, k2) = ("k1", "k2")
        try #require(PartitionKey.partition(for: k1, partitions: 2) != PartitionKey.partition(for: k2, partitions: 2))
        let first = rig.publish(records("a", keys: [k1, k1, k2]))
        let second = rig.publish(records("b", keys: [k2, k1]))
        rig.scheduler.settle()
        // a0 fills k1's partition and a2 k2's; a1, b0 and b1 wait, each behind the earlier records of its partition.
        #expect(Set(sink.ids) == ["a0", "a2"])
        #expect(!first.isComplete && !second.isComplete)

        // Room in k2's partition: b0 goes (nothing earlier waits for it) though a1 still waits for k1's.
        let p2 = PartitionKey.partition(for: k2, partitions: 2)
        subscription.ack([RecordPosition(partition: p2, offset: 0)])
        rig.scheduler.settle()
        #expect(Array(sink.ids.dropFirst(2)) == ["b0"])
        #expect(!first.isComplete && !second.isComplete)

        // Room in k1's partition: a1 first, then b1 once a1 is acked; the batches complete in turn.
        let p1 = PartitionKey.partition(for: k1, partitions: 2)
        subscription.ack([RecordPosition(partition: p1, offset: 0)])
        rig.scheduler.settle()
        #expect(Array(sink.ids.dropFirst(2)) == ["b0", "a1"])
        #expect(first.isComplete && !second.isComplete)
        subscription.ack([RecordPosition(partition: p1, offset: 1)])
        rig.scheduler.settle()
        #expect(Array(sink.ids.dropFirst(2)) == ["b0", "a1", "b1"])
        #expect(second.isComplete)
    }

    @Test(arguments: Backend.all)
    func memoryStaysBoundedByCapacityWhilePublishersWait(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders", partitions: 2, capacity: 8))
        try await rig.broker.declareGroup("g", on: "orders")
        let (sink, subscription) = try await rig.join("g", window: 4)
        var probes: [PublishProbe] = []
        for batch in 0..<50 {
            probes.append(rig.publish(records("b\(batch)-", keys: Array(repeating: nil, count: 10))))
        }
        rig.scheduler.settle()
        var maxRetained = 0
        var acked = 0
        while acked < 500 {
            let stats = try await rig.stats()
            maxRetained = max(maxRetained, stats.retained)
            let pending = Array(sink.records.dropFirst(acked))
            try #require(!pending.isEmpty)
            acked += pending.count
            subscription.ack(pending.map(\.position))
            rig.scheduler.settle()
        }
        #expect(maxRetained <= 16)
        #expect(probes.allSatisfy { $0.isComplete })
        #expect(Set(sink.ids).count == 500)
    }

    @Test(arguments: Backend.all)
    func topicWithoutGroupsKeepsItsRetentionAndCountsEvictions(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders.dlq", capacity: 2, retention: 3))
        let probe = rig.publish(records("d", keys: Array(repeating: nil, count: 5)), to: "orders.dlq")
        rig.scheduler.settle()
        #expect(probe.isComplete)
        #expect(try await rig.broker.records(of: "orders.dlq").map(\.event.id) == ["d2", "d3", "d4"])
        let stats = try await rig.stats("orders.dlq")
        #expect(stats.evicted == 2)
        #expect(stats.published == 5)
        #expect(stats.endOffsets == [5])
    }

    @Test(arguments: Backend.all)
    func closedMembersRecordsAreDeliveredAgainToTheRest(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders"))
        try await rig.broker.declareGroup("g", on: "orders")
        let (first, firstSubscription) = try await rig.join("g", member: "m1")
        rig.publish(records("e", keys: [nil, nil, nil]))
        rig.scheduler.settle()
        firstSubscription.ack([RecordPosition(partition: 0, offset: 1)])
        rig.scheduler.settle()
        let (second, _) = try await rig.join("g", member: "m2")
        #expect(first.ids == ["e0", "e1", "e2"])
        #expect(second.ids.isEmpty)
        firstSubscription.close {}
        rig.scheduler.settle()
        #expect(second.ids == ["e0", "e2"])
    }

    @Test(arguments: Backend.all)
    func unknownNamesAreReported(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        let probe = rig.publish(records("e", keys: [nil]), to: "nowhere")
        rig.scheduler.settle()
        #expect(probe.error == .unknownTopic("nowhere"))
        await #expect(throws: BrokerError.unknownTopic("nowhere")) {
            try await rig.broker.declareGroup("g", on: "nowhere")
        }
        try await rig.broker.declare(TopicSpec(name: "orders"))
        await #expect(throws: BrokerError.unknownGroup(group: "g", topic: "orders")) {
            _ = try await rig.join("g")
        }
        await #expect(throws: BrokerError.conflictingTopic("orders")) {
            try await rig.broker.declare(TopicSpec(name: "orders", partitions: 2))
        }
        #expect(BrokerError.unknownTopic("x").description == "topic \"x\" is not declared")
    }
}
