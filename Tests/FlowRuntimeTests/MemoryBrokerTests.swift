import Dispatch
import FlowCore
import Synchronization
import Testing

@testable import FlowRuntime

struct MemoryBrokerTests {
    let scheduler = ManualScheduler()
    let broker: MemoryBroker
    let queue = DispatchQueue(label: "tests.member")

    init() {
        broker = MemoryBroker(scheduler: scheduler)
    }

    private func join(
        _ group: String,
        topic: String = "orders",
        member: String = "m1",
        window: Int = 100
    ) async throws -> (CollectingSink, any BrokerSubscription) {
        let sink = CollectingSink()
        let request = SubscriptionRequest(topic: topic, group: group, member: member, window: window, queue: queue)
        let subscription = try await broker.subscribe(request, sink: sink)
        scheduler.settle()
        return (sink, subscription)
    }

    @Test func recordsWithEqualKeysShareAPartitionInPublishOrder() async throws {
        try await broker.declare(TopicSpec(name: "orders", partitions: 4))
        try await broker.declareGroup("g", on: "orders")
        let (sink, _) = try await join("g")
        broker.publish(records("e", keys: ["alice", "bob", "alice", "carol", "bob", "alice"]), to: "orders")
        scheduler.settle()
        let received = sink.records
        #expect(received.count == 6)
        for record in received {
            #expect(record.position.partition == PartitionKey.partition(for: record.key!, partitions: 4))
        }
        let alice = received.filter { $0.key == "alice" }
        #expect(alice.map(\.event.id) == ["e0", "e2", "e5"])
        #expect(alice.map(\.position.offset) == alice.map(\.position.offset).sorted())
    }

    @Test func recordsWithoutKeyGoRoundRobin() async throws {
        try await broker.declare(TopicSpec(name: "orders", partitions: 3))
        broker.publish(records("e", keys: [nil, nil, nil, nil]), to: "orders")
        scheduler.settle()
        let stored = try await broker.records(of: "orders")
        #expect(
            stored.map(\.position) == [
                RecordPosition(partition: 0, offset: 0), RecordPosition(partition: 0, offset: 1),
                RecordPosition(partition: 1, offset: 0), RecordPosition(partition: 2, offset: 0),
            ]
        )
        #expect(stored.map(\.event.id) == ["e0", "e3", "e1", "e2"])
    }

    @Test func everyGroupSeesEveryRecord() async throws {
        try await broker.declare(TopicSpec(name: "orders", partitions: 2))
        try await broker.declareGroup("billing", on: "orders")
        try await broker.declareGroup("shipping", on: "orders")
        let (billing, _) = try await join("billing")
        let (shipping, _) = try await join("shipping")
        broker.publish(records("e", keys: ["a", "b", "c", nil, nil]), to: "orders")
        scheduler.settle()
        #expect(Set(billing.ids) == ["e0", "e1", "e2", "e3", "e4"])
        #expect(Set(shipping.ids) == ["e0", "e1", "e2", "e3", "e4"])
    }

    @Test func membersOfAGroupShareThePartitions() async throws {
        try await broker.declare(TopicSpec(name: "orders", partitions: 4))
        try await broker.declareGroup("g", on: "orders")
        let (first, _) = try await join("g", member: "m1")
        let (second, _) = try await join("g", member: "m2")
        broker.publish(records("e", keys: Array(repeating: nil, count: 8)), to: "orders")
        scheduler.settle()
        #expect(Set(first.records.map(\.position.partition)) == [0, 2])
        #expect(Set(second.records.map(\.position.partition)) == [1, 3])
        #expect(Set(first.ids).union(second.ids).count == 8)
        #expect(Set(first.ids).isDisjoint(with: second.ids))
    }

    @Test func duplicateMemberIsRefused() async throws {
        try await broker.declare(TopicSpec(name: "orders"))
        try await broker.declareGroup("g", on: "orders")
        _ = try await join("g", member: "m1")
        await #expect(throws: BrokerError.duplicateMember(member: "m1", group: "g")) {
            _ = try await join("g", member: "m1")
        }
    }

    @Test func watermarkIsTheLowestOffsetNotYetAcked() async throws {
        try await broker.declare(TopicSpec(name: "orders"))
        try await broker.declareGroup("g", on: "orders")
        let (_, subscription) = try await join("g")
        broker.publish(records("e", keys: [nil, nil, nil, nil]), to: "orders")
        scheduler.settle()
        subscription.ack([RecordPosition(partition: 0, offset: 2), RecordPosition(partition: 0, offset: 1)])
        scheduler.settle()
        #expect(try await broker.stats(of: "orders").committed["g"] == [0])
        subscription.ack([RecordPosition(partition: 0, offset: 0)])
        scheduler.settle()
        #expect(try await broker.stats(of: "orders").committed["g"] == [3])
        subscription.ack([RecordPosition(partition: 0, offset: 1), RecordPosition(partition: 0, offset: 3)])
        scheduler.settle()
        let stats = try await broker.stats(of: "orders")
        #expect(stats.committed["g"] == [4])
        #expect(stats.lag(of: "g") == 0)
        #expect(stats.retained == 0)
    }

    @Test func creditWindowBoundsUnackedDeliveries() async throws {
        try await broker.declare(TopicSpec(name: "orders"))
        try await broker.declareGroup("g", on: "orders")
        let (sink, subscription) = try await join("g", window: 3)
        broker.publish(records("e", keys: Array(repeating: nil, count: 10)), to: "orders")
        scheduler.settle()
        #expect(sink.ids == ["e0", "e1", "e2"])
        subscription.ack([RecordPosition(partition: 0, offset: 1)])
        scheduler.settle()
        #expect(sink.ids == ["e0", "e1", "e2", "e3"])
    }

    @Test func fullPartitionDefersPublishUntilAcksMakeRoom() async throws {
        try await broker.declare(TopicSpec(name: "orders", capacity: 3))
        try await broker.declareGroup("g", on: "orders")
        let (sink, subscription) = try await join("g")
        let first = broker.publish(records("a", keys: Array(repeating: nil, count: 5)), to: "orders")
        let second = broker.publish(records("b", keys: [nil]), to: "orders")
        scheduler.settle()
        var stats = try await broker.stats(of: "orders")
        #expect(!first.isComplete && !second.isComplete)
        #expect(stats.retained == 3)
        #expect(stats.waitingPublishes == 2)
        #expect(sink.ids == ["a0", "a1", "a2"])

        subscription.ack([RecordPosition(partition: 0, offset: 0), RecordPosition(partition: 0, offset: 1)])
        scheduler.settle()
        #expect(first.isComplete && !second.isComplete)
        stats = try await broker.stats(of: "orders")
        #expect(stats.retained == 3)

        subscription.ack((2...4).map { RecordPosition(partition: 0, offset: $0) })
        scheduler.settle()
        #expect(second.isComplete)
        #expect(sink.ids == ["a0", "a1", "a2", "a3", "a4", "b0"])
    }

    /// Offers and returns the flags once the broker has answered.
    private func offer(_ records: [OutgoingRecord]) throws -> [Bool] {
        let answer = Mutex<Result<[Bool], BrokerError>?>(nil)
        broker.offer(records, to: "orders", queue: callbackQueue) { result in answer.withLock { $0 = result } }
        scheduler.settle()
        return try #require(answer.withLock { $0 }).get()
    }

    @Test func offerStoresWhatFitsAndRefusesTheRestWithoutWaiting() async throws {
        try await broker.declare(TopicSpec(name: "orders", partitions: 2, capacity: 2))
        try await broker.declareGroup("g", on: "orders")
        let keys = ["k1", "k1", "k1", "k2"]
        let partitions = keys.map { PartitionKey.partition(for: $0, partitions: 2) }
        try #require(partitions[0] != partitions[3], "k1 and k2 must land on different partitions")
        #expect(try offer(records("a", keys: keys)) == [true, true, false, true])
        var stats = try await broker.stats(of: "orders")
        #expect(stats.published == 3)
        #expect(stats.waitingPublishes == 0, "a refused record is not parked")

        // A publish waiting for room in k1's partition goes first there; k2's partition still takes offers.
        let waiting = broker.publish(records("b", keys: ["k1"]), to: "orders")
        scheduler.settle()
        #expect(!waiting.isComplete)
        #expect(try offer(records("c", keys: ["k1", "k2"])) == [false, true])
        stats = try await broker.stats(of: "orders")
        #expect(stats.published == 4)
    }

    @Test func offerPutsAKeylessRecordOnAnyPartitionWithRoom() async throws {
        // k1 fills its partition; the keyless records must all find the other one, whichever round-robin
        // would have picked.
        try await broker.declare(TopicSpec(name: "orders", partitions: 2, capacity: 2))
        try await broker.declareGroup("g", on: "orders")
        #expect(try offer(records("a", keys: ["k1", "k1", nil, nil, nil])) == [true, true, true, true, false])
        let stats = try await broker.stats(of: "orders")
        #expect(stats.published == 4)
    }

    @Test func aPublishPastCapacityIsStoredAtOnceAheadOfWaitingBatches() async throws {
        try await broker.declare(TopicSpec(name: "orders", capacity: 2))
        try await broker.declareGroup("g", on: "orders")
        let waiting = broker.publish(records("a", keys: [nil, nil, nil]), to: "orders")
        scheduler.settle()
        #expect(!waiting.isComplete)
        let probe = PublishProbe()
        broker.publish(records("b", keys: [nil, nil]), to: "orders", pastCapacity: true, queue: callbackQueue) {
            probe($0)
        }
        scheduler.settle()
        #expect(probe.isComplete)
        #expect(!waiting.isComplete, "the waiting batch still waits for room")
        let stats = try await broker.stats(of: "orders")
        #expect(stats.published == 4)
        #expect(stats.retained == 4)
    }

    @Test func aFullPartitionHoldsBackOnlyTheRecordsBoundForIt() async throws {
        try await broker.declare(TopicSpec(name: "orders", partitions: 2, capacity: 1))
        try await broker.declareGroup("g", on: "orders")
        let (sink, subscription) = try await join("g")
        let (k1, k2) = ("k1", "k2")
        try #require(PartitionKey.partition(for: k1, partitions: 2) != PartitionKey.partition(for: k2, partitions: 2))
        let first = broker.publish(records("a", keys: [k1, k1, k2]), to: "orders")
        let second = broker.publish(records("b", keys: [k2, k1]), to: "orders")
        scheduler.settle()
        // a0 fills k1's partition and a2 k2's; a1, b0 and b1 wait, each behind the earlier records of its partition.
        #expect(Set(sink.ids) == ["a0", "a2"])
        #expect(!first.isComplete && !second.isComplete)

        // Room in k2's partition: b0 goes (nothing earlier waits for it) though a1 still waits for k1's.
        let p2 = PartitionKey.partition(for: k2, partitions: 2)
        subscription.ack([RecordPosition(partition: p2, offset: 0)])
        scheduler.settle()
        #expect(Array(sink.ids.dropFirst(2)) == ["b0"])
        #expect(!first.isComplete && !second.isComplete)

        // Room in k1's partition: a1 first, then b1 once a1 is acked; the batches complete in turn.
        let p1 = PartitionKey.partition(for: k1, partitions: 2)
        subscription.ack([RecordPosition(partition: p1, offset: 0)])
        scheduler.settle()
        #expect(Array(sink.ids.dropFirst(2)) == ["b0", "a1"])
        #expect(first.isComplete && !second.isComplete)
        subscription.ack([RecordPosition(partition: p1, offset: 1)])
        scheduler.settle()
        #expect(Array(sink.ids.dropFirst(2)) == ["b0", "a1", "b1"])
        #expect(second.isComplete)
    }

    @Test func memoryStaysBoundedByCapacityWhilePublishersWait() async throws {
        try await broker.declare(TopicSpec(name: "orders", partitions: 2, capacity: 8))
        try await broker.declareGroup("g", on: "orders")
        let (sink, subscription) = try await join("g", window: 4)
        var probes: [PublishProbe] = []
        for batch in 0..<50 {
            probes.append(broker.publish(records("b\(batch)-", keys: Array(repeating: nil, count: 10)), to: "orders"))
        }
        scheduler.settle()
        var maxRetained = 0
        var acked = 0
        while acked < 500 {
            let stats = try await broker.stats(of: "orders")
            maxRetained = max(maxRetained, stats.retained)
            let pending = Array(sink.records.dropFirst(acked))
            try #require(!pending.isEmpty)
            acked += pending.count
            subscription.ack(pending.map(\.position))
            scheduler.settle()
        }
        #expect(maxRetained <= 16)
        #expect(probes.allSatisfy { $0.isComplete })
        #expect(Set(sink.ids).count == 500)
    }

    @Test func topicWithoutGroupsKeepsItsRetentionAndCountsEvictions() async throws {
        try await broker.declare(TopicSpec(name: "orders.dlq", capacity: 2, retention: 3))
        let probe = broker.publish(records("d", keys: Array(repeating: nil, count: 5)), to: "orders.dlq")
        scheduler.settle()
        #expect(probe.isComplete)
        #expect(try await broker.records(of: "orders.dlq").map(\.event.id) == ["d2", "d3", "d4"])
        let stats = try await broker.stats(of: "orders.dlq")
        #expect(stats.evicted == 2)
        #expect(stats.published == 5)
        #expect(stats.endOffsets == [5])
    }

    @Test func closedMembersRecordsAreDeliveredAgainToTheRest() async throws {
        try await broker.declare(TopicSpec(name: "orders"))
        try await broker.declareGroup("g", on: "orders")
        let (first, firstSubscription) = try await join("g", member: "m1")
        broker.publish(records("e", keys: [nil, nil, nil]), to: "orders")
        scheduler.settle()
        firstSubscription.ack([RecordPosition(partition: 0, offset: 1)])
        scheduler.settle()
        let (second, _) = try await join("g", member: "m2")
        #expect(first.ids == ["e0", "e1", "e2"])
        #expect(second.ids.isEmpty)
        firstSubscription.close {}
        scheduler.settle()
        #expect(second.ids == ["e0", "e2"])
    }

    @Test func unknownNamesAreReported() async throws {
        let probe = broker.publish(records("e", keys: [nil]), to: "nowhere")
        scheduler.settle()
        #expect(probe.error == .unknownTopic("nowhere"))
        await #expect(throws: BrokerError.unknownTopic("nowhere")) {
            try await broker.declareGroup("g", on: "nowhere")
        }
        try await broker.declare(TopicSpec(name: "orders"))
        await #expect(throws: BrokerError.unknownGroup(group: "g", topic: "orders")) {
            _ = try await join("g")
        }
        await #expect(throws: BrokerError.conflictingTopic("orders")) {
            try await broker.declare(TopicSpec(name: "orders", partitions: 2))
        }
        #expect(BrokerError.unknownTopic("x").description == "topic \"x\" is not declared")
    }
}
