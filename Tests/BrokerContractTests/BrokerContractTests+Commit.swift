import Dispatch
import FlowCore
import FlowRuntime
import Synchronization
import Testing

/// `BrokerSubscription.commit`: a record's outcome (what it emitted, or its dead-letter envelope) and its ack
/// as one step.
extension BrokerContractTests {
    /// Commits `steps` and returns the index ranges reported, once the broker is quiet.
    private func commit(
        _ steps: [CommitStep],
        on subscription: any BrokerSubscription,
        _ rig: BrokerRig
    ) throws
        -> [Range<Int>]
    {
        let done = Mutex<[Range<Int>]>([])
        subscription.commit(steps, queue: callbackQueue) { range, result in
            if case .success = result { done.withLock { $0.append(range) } }
        }
        rig.scheduler.settle()
        return done.withLock { $0 }
    }

    private func declare(_ rig: BrokerRig, paymentsCapacity: Int = 100) async throws {
        try await rig.broker.declare(TopicSpec(name: "orders"))
        try await rig.broker.declare(TopicSpec(name: "payments", capacity: paymentsCapacity))
        try await rig.broker.declareGroup("g", on: "orders")
        try await rig.broker.declareGroup("audit", on: "payments")
    }

    private func step(_ offset: Int64, emitting ids: [String]) -> CommitStep {
        let records = ids.map { OutgoingRecord(key: "k", event: CloudEvent(id: $0, source: "tests", type: "Paid")) }
        return CommitStep(
            batches: [PublishBatch(topic: "payments", records: records)],
            ack: RecordPosition(partition: 0, offset: offset)
        )
    }

    @Test(arguments: Backend.all)
    func aCommitStoresTheEmittedRecordsAndAcksTheSourceTogether(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await declare(rig)
        let (_, subscription) = try await rig.join("g")
        rig.publish(records("o", keys: [nil, nil]))
        rig.scheduler.settle()
        #expect(
            try commit([step(0, emitting: ["p0", "p1"]), step(1, emitting: ["p2"])], on: subscription, rig) == [0..<2]
        )
        #expect(try await rig.stats().committed["g"] == [2])
        #expect(try await rig.stats("payments").published == 3)
        guard backend.isDurable else { return }
        try await rig.restart()
        try await declare(rig)
        let (audit, _) = try await rig.join("audit", topic: "payments")
        #expect(audit.ids == ["p0", "p1", "p2"])
        #expect(try await rig.stats().committed["g"] == [2])
    }

    @Test(arguments: Backend.all)
    func aStepThatDoesNotFitWaitsWholeAndLeavesItsSourceUnacked(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await declare(rig, paymentsCapacity: 2)
        let (_, subscription) = try await rig.join("g")
        let (audit, auditSubscription) = try await rig.join("audit", topic: "payments")
        rig.publish(records("o", keys: [nil, nil]))
        rig.scheduler.settle()
        let done = Mutex<[Range<Int>]>([])
        subscription.commit([step(0, emitting: ["p0"]), step(1, emitting: ["p1", "p2"])], queue: callbackQueue) {
            range,
            _ in done.withLock { $0.append(range) }
        }
        rig.scheduler.settle()
        #expect(done.withLock { $0 } == [0..<1], "the second step needs two slots and only one is free")
        #expect(audit.ids == ["p0"])
        #expect(try await rig.stats().committed["g"] == [1])
        auditSubscription.ack(audit.records.map(\.position))
        rig.scheduler.settle()
        #expect(done.withLock { $0 } == [0..<1, 1..<2])
        #expect(audit.ids == ["p0", "p1", "p2"])
        #expect(try await rig.stats().committed["g"] == [2])
    }

    @Test(arguments: Backend.all)
    func aStepLargerThanTheCapacityGoesInOnceThePartitionIsEmpty(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await declare(rig, paymentsCapacity: 1)
        let (_, subscription) = try await rig.join("g")
        rig.publish(records("o", keys: [nil]))
        rig.scheduler.settle()
        #expect(try commit([step(0, emitting: ["p0", "p1", "p2"])], on: subscription, rig) == [0..<1])
        #expect(try await rig.stats("payments").published == 3)
    }
}
