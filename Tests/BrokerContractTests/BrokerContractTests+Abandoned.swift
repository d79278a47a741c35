import FlowCore
import FlowRuntime
import FlowSQLite
import FlowTesting
import Foundation
import Synchronization
import Testing

/// A record handed out again after its member's process ended may have been in the middle of an attempt
/// there. Such a record comes with `abandoned`; each attempt of it is marked begun (durably, before it starts),
/// and the marks come back with the record after the next restart, until an attempt concludes (a retry state,
/// or the ack). A record delivered for the first time carries no such count and costs no mark.
extension BrokerContractTests {
    /// Marks an attempt of `position` begun and waits until the backend lets it start.
    private static func begin(_ position: RecordPosition, of subscription: any BrokerSubscription, in rig: BrokerRig) {
        let started = Mutex(false)
        subscription.beginning(position, queue: rig.queue) { started.withLock { $0 = true } }
        rig.scheduler.settle()
        #expect(started.withLock { $0 }, "the attempt may start once its mark is stored")
    }

    /// Restarts the rig and joins `g` on `orders` again.
    private static func restarted(_ rig: BrokerRig) async throws -> (CollectingSink, any BrokerSubscription) {
        try await rig.restart()
        try await rig.broker.declare(TopicSpec(name: "orders"))
        try await rig.broker.declareGroup("g", on: "orders")
        return try await rig.join("g")
    }

    @Test(arguments: Backend.durable)
    func attemptsCutOffByARestartAreCountedUntilOneConcludes(backend: Backend) async throws {
        let rig = try await BrokerRig(backend)
        try await rig.broker.declare(TopicSpec(name: "orders"))
        try await rig.broker.declareGroup("g", on: "orders")
        let (fresh, _) = try await rig.join("g")
        rig.publish(records("e", keys: [nil, nil]))
        rig.scheduler.settle()
        #expect(fresh.records.map(\.abandoned) == [nil, nil], "a first delivery is never taken over")

        let (first, member) = try await Self.restarted(rig)
        let limit = BrokerURL.defaultAbandonLimit
        #expect(first.records.map(\.abandoned?.count) == [0, 0])
        #expect(first.records.allSatisfy { $0.abandoned?.limit == limit })
        let e0 = RecordPosition(partition: 0, offset: 0)
        Self.begin(e0, of: member, in: rig)

        let (second, again) = try await Self.restarted(rig)
        #expect(second.records.map(\.abandoned?.count) == [1, 0], "the cut-off attempt of e0 counts")
        Self.begin(e0, of: again, in: rig)
        again.retrying(e0, RetryState(attempts: 1, due: Date(), firstFailure: Date(), lastError: "declined"))
        rig.scheduler.settle()

        let (third, last) = try await Self.restarted(rig)
        #expect(third.records.map(\.abandoned?.count) == [0, 0], "an attempt that concluded drops the marks")
        #expect(third.records.first?.retry?.attempts == 1)
        Self.begin(e0, of: last, in: rig)
        last.ack(third.records.map(\.position))
        rig.scheduler.settle()

        let (done, _) = try await Self.restarted(rig)
        #expect(done.records.isEmpty, "acked: nothing is handed out again, nor are its marks kept")
    }
}

extension BrokerContractTests {
    /// A SQLite run that ended with every attempt finished (its consumers drained) leaves nothing cut off:
    /// the next run takes over only what this one had taken over and not finished (a record it never started
    /// may still be the one a crash cut off), not the backlog it leaves, so a restart costs no marks for it.
    @Test func afterACleanCloseOnlyRecordsTakenOverBeforeAreTakenOver() async throws {
        let rig = try await BrokerRig(.sqliteFull)
        try await rig.broker.declare(TopicSpec(name: "orders"))
        try await rig.broker.declareGroup("g", on: "orders")
        rig.publish(records("e", keys: [nil, nil]))
        rig.scheduler.settle()

        let (crashed, member) = try await Self.restarted(rig)
        #expect(crashed.records.map(\.abandoned?.count) == [0, 0], "left by a crash: both may have been begun")
        Self.begin(RecordPosition(partition: 0, offset: 0), of: member, in: rig)
        rig.publish(records("f", keys: [nil]))
        rig.scheduler.settle()
        member.close {}
        rig.scheduler.settle()
        await (rig.broker as? SQLiteBroker)?.closeCleanly()

        let (clean, _) = try await Self.restarted(rig)
        #expect(clean.ids == ["e0", "e1", "f0"])
        #expect(clean.records.map(\.abandoned?.count) == [1, 0, nil], "f0 came after the crash: never taken over")
    }
}
