import FlowCore
import FlowRuntime
import Synchronization
import Testing

/// A producer's steps: each record stored whole with the checkpoint after it, in order, and on a durable
/// backend the checkpoint kept with exactly the records stored before it.
extension BrokerContractTests {
    /// Publishes one step per key (`c0`, `c1`, …, checkpoint `produced` 1, 2, …) and returns the ranges stored.
    private func publishSteps(
        _ rig: BrokerRig,
        keys: [String],
        from producer: String = "source"
    ) -> StoredRanges {
        let steps = records("c", keys: keys).enumerated().map { index, record in
            ProducerStep(
                batches: [PublishBatch(topic: "orders", records: [record])],
                checkpoint: ProducerCheckpoint(source: "generate", produced: Int64(index + 1), random: UInt64(index))
            )
        }
        let stored = StoredRanges()
        rig.broker.publish(steps, from: producer, queue: callbackQueue) { range, result in
            if case .success = result { stored.ranges.withLock { $0.append(range) } }
        }
        return stored
    }

    /// Two keys that land in different partitions of a 2-partition topic.
    private var keysInTwoPartitions: (String, String) {
        let first = "a"
        let other = (0..<100).map { "k\($0)" }.first {
            PartitionKey.partition(for: $0, partitions: 2) != PartitionKey.partition(for: first, partitions: 2)
        }
        return (first, other ?? "b")
    }

    @Test(arguments: Backend.all)
    func aProducersStepsAreStoredInOrderBehindAStepThatDoesNotFit(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders", partitions: 2, capacity: 1))
        try await rig.broker.declareGroup("g", on: "orders")
        let (full, other) = keysInTwoPartitions
        let stored = publishSteps(rig, keys: [full, full, other])
        rig.scheduler.settle()
        #expect(stored.ranges.withLock { $0 } == [0..<1], "the second step waits for room, and the third behind it")
        #expect(try await rig.broker.checkpoint(of: "source")?.produced == 1)
        #expect(try await rig.stats().retained == 1)

        let (sink, subscription) = try await rig.join("g")
        subscription.ack(sink.records.map(\.position))
        rig.scheduler.settle()
        #expect(stored.ranges.withLock { $0 } == [0..<1, 1..<3])
        #expect(try await rig.broker.checkpoint(of: "source")?.produced == 3)
        #expect(try await rig.broker.checkpoint(of: "another") == nil)
    }

    @Test(arguments: Backend.durable)
    func aCheckpointOutlivesARestartWithExactlyTheRecordsStoredBeforeIt(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders", partitions: 2, capacity: 2))
        try await rig.broker.declareGroup("g", on: "orders")
        let (full, _) = keysInTwoPartitions
        _ = publishSteps(rig, keys: Array(repeating: full, count: 5))
        rig.scheduler.settle()

        try await rig.restart()
        try await rig.broker.declare(TopicSpec(name: "orders", partitions: 2, capacity: 2))
        let checkpoint = try #require(try await rig.broker.checkpoint(of: "source"))
        #expect(checkpoint == ProducerCheckpoint(source: "generate", produced: 2, random: 1))
        #expect(try await rig.stats().published == 2, "the checkpoint says 2 and the store holds 2")
    }
}

/// The step ranges a producer publish reported stored, in the order reported.
final class StoredRanges: Sendable {
    let ranges = Mutex<[Range<Int>]>([])
}
