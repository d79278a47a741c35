import FlowCore
import FlowRuntime
import Foundation
import Testing

/// A record waiting for a retry keeps its history: handed back with the record when it is delivered again,
/// to another member or (on a durable backend) after a restart, and gone once acked.
extension BrokerContractTests {
    private static let waiting = RetryState(
        attempts: 2,
        due: Date(timeIntervalSince1970: 1_800_000_000),
        firstFailure: Date(timeIntervalSince1970: 1_799_999_990),
        lastError: "gateway timeout"
    )

    @Test(arguments: Backend.all)
    func aRecordDeliveredAgainKeepsItsRetryState(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders"))
        try await rig.broker.declareGroup("g", on: "orders")
        let (sink, subscription) = try await rig.join("g")
        rig.publish(records("e", keys: [nil, nil]))
        rig.scheduler.settle()
        #expect(sink.records.allSatisfy { $0.retry == nil })
        subscription.retrying(RecordPosition(partition: 0, offset: 0), Self.waiting)
        subscription.close {}
        rig.scheduler.settle()

        let (again, second) = try await rig.join("g", member: "m2")
        #expect(again.records.map(\.retry) == [Self.waiting, nil])
        second.ack([RecordPosition(partition: 0, offset: 0)])
        second.close {}
        rig.scheduler.settle()
        let (third, _) = try await rig.join("g", member: "m3")
        #expect(third.ids == ["e1"], "the acked record is not delivered again, nor is its state kept")
    }

    @Test(arguments: Backend.durable)
    func aRetryStateOutlivesARestartUntilItsRecordIsAcked(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders"))
        try await rig.broker.declareGroup("g", on: "orders")
        let (_, subscription) = try await rig.join("g")
        rig.publish(records("e", keys: [nil, nil]))
        rig.scheduler.settle()
        subscription.retrying(RecordPosition(partition: 0, offset: 1), Self.waiting)
        rig.scheduler.settle()

        try await rig.restart()
        try await rig.broker.declare(TopicSpec(name: "orders"))
        try await rig.broker.declareGroup("g", on: "orders")
        let (sink, again) = try await rig.join("g")
        #expect(sink.records.map(\.retry) == [nil, Self.waiting], "attempts, due time and error come back")
        again.ack(sink.records.map(\.position))
        rig.scheduler.settle()
        rig.publish(records("f", keys: [nil]))
        rig.scheduler.settle()

        try await rig.restart()
        try await rig.broker.declare(TopicSpec(name: "orders"))
        try await rig.broker.declareGroup("g", on: "orders")
        let (last, _) = try await rig.join("g")
        #expect(last.ids == ["f0"])
        #expect(last.records.allSatisfy { $0.retry == nil })
    }
}
