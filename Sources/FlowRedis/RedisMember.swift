import Dispatch
import FlowRESP
import FlowRuntime
import Synchronization

/// Identifies a member within this process: topic, group and member name.
struct MemberID: Hashable {
    var topic: String
    var group: String
    var member: String
}

/// One member of a group in this process: the partitions whose lease it holds and its credit.
///
/// Invariants (on the broker's queue): at most one read of Redis in flight (`fetching`); `unacked <= window`
/// and `unacked` is the sum of `inFlight`; a partition in `claiming` is read from the group's pending entries
/// (what earlier owners held) before any new entry of it; a partition in `reclaiming` (records were given back
/// while it stayed this member's) is not read until nothing of it is in flight, then claimed again from the
/// start. `validUntil` (locked, read by the runner through `holds`) is, per owned partition, the time its
/// lease ends at the latest: when the heartbeat that renewed it was sent, plus the lease.
///
/// `@unchecked Sendable`: state is confined to the broker's queue, except `validUntil`, a `Mutex`.
final class RedisMember: @unchecked Sendable {
    let id: MemberID
    /// The Redis consumer name: the member's name made unique per process.
    let consumer: String
    let partitions: Int
    let window: Int
    let sink: any DeliverySink
    let sinkQueue: DispatchQueue

    var owned: [Int] = []
    /// Every partition whose lease the member held at some point (for the run summary).
    var everOwned: Set<Int> = []
    var claiming: [Int: String] = [:]
    var reclaiming: Set<Int> = []
    /// Delivered and not yet acked, committed or given back, per partition.
    var inFlight: [Int: Int] = [:]
    /// Partitions no longer assigned here whose lease is kept while their records in flight finish, since when.
    var revoking: [Int: DispatchTime] = [:]
    let validUntil = Mutex<[Int: DispatchTime]>([:])
    var unacked = 0
    var fetching = false
    /// Set when records were stored (or room made) while a read was in flight: the read may have missed them,
    /// so an empty one reads again at once instead of after `pollInterval`.
    var fetchAgain = false
    var closed = false
    var poll: ScheduledWork?
    var heartbeat: ScheduledWork?

    /// Whether `partition`'s lease is surely still this member's.
    func holds(_ partition: Int) -> Bool {
        let now = DispatchTime.now()
        return validUntil.withLock { $0[partition].map { $0 > now } ?? false }
    }

    var topic: String { id.topic }
    var group: String { id.group }

    init(id: MemberID, consumer: String, partitions: Int, request: SubscriptionRequest, sink: any DeliverySink) {
        self.id = id
        self.consumer = consumer
        self.partitions = partitions
        window = request.window
        self.sink = sink
        sinkQueue = request.queue
    }
}

/// A member's handle for the consumer runner.
final class RedisSubscription: BrokerSubscription {
    let broker: RedisBroker
    let member: RedisMember

    init(broker: RedisBroker, member: RedisMember) {
        self.broker = broker
        self.member = member
    }

    var lease: Lease { .renewable(broker.leaseDuration) }

    func ack(_ positions: [RecordPosition]) {
        broker.scheduler.execute(on: broker.queue) { self.broker.ack(positions, by: self.member) }
    }

    func commit(
        _ steps: [CommitStep],
        queue: DispatchQueue,
        completion: @escaping @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
    ) {
        broker.scheduler.execute(on: broker.queue) {
            self.broker.commit(steps, by: self.member, queue: queue, completion)
        }
    }

    func retrying(_ position: RecordPosition, _ state: RetryState) {
        broker.scheduler.execute(on: broker.queue) { self.broker.retrying(position, state, by: self.member) }
    }

    func beginning(_ position: RecordPosition, queue: DispatchQueue, then start: @escaping @Sendable () -> Void) {
        broker.scheduler.execute(on: broker.queue) {
            self.broker.beginning(position, by: self.member, queue: queue, then: start)
        }
    }

    /// Leases are per partition and renewed by the member's heartbeat: nothing to do per record.
    func renew(_ positions: [RecordPosition]) {}

    func holds(_ position: RecordPosition) -> Bool { member.holds(position.partition) }

    func release(_ positions: [RecordPosition]) {
        broker.scheduler.execute(on: broker.queue) { self.broker.release(positions, by: self.member) }
    }

    func close(completion: @escaping @Sendable () -> Void) {
        broker.scheduler.execute(on: broker.queue) { self.broker.leave(self.member, completion) }
    }
}
