import Dispatch

/// A member's handle on a `MemoryBroker` group; acks hop to the broker's queue in one batch.
///
/// `@unchecked Sendable`: its references to broker state are dereferenced only on the broker's queue.
final class MemorySubscription: BrokerSubscription, @unchecked Sendable {
    let broker: MemoryBroker
    let topic: MemoryTopic
    let group: MemoryGroup
    let member: MemoryMember

    init(broker: MemoryBroker, topic: MemoryTopic, group: MemoryGroup, member: MemoryMember) {
        self.broker = broker
        self.topic = topic
        self.group = group
        self.member = member
    }

    var lease: Lease { .infinite }

    func ack(_ positions: [RecordPosition]) {
        guard !positions.isEmpty else { return }
        broker.scheduler.execute(on: broker.queue) {
            self.broker.applyAcks(positions, topic: self.topic, group: self.group, member: self.member)
        }
    }

    func commit(
        _ steps: [CommitStep],
        queue: DispatchQueue,
        completion: @escaping @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
    ) {
        guard !steps.isEmpty else { return }
        let commit = MemoryBroker.Commit(
            steps: steps,
            topic: topic,
            group: group,
            member: member,
            queue: queue,
            completion: completion
        )
        broker.scheduler.execute(on: broker.queue) { self.broker.commit(commit) }
    }

    func retrying(_ position: RecordPosition, _ state: RetryState) {
        broker.scheduler.execute(on: broker.queue) {
            self.broker.applyRetry(position, state, topic: self.topic, group: self.group)
        }
    }

    func beginning(_ position: RecordPosition, queue: DispatchQueue, then start: @escaping @Sendable () -> Void) {
        broker.scheduler.execute(on: broker.queue) {
            self.broker.begin(position, topic: self.topic, group: self.group, queue: queue, then: start)
        }
    }

    func renew(_ positions: [RecordPosition]) {}

    func close(completion: @escaping @Sendable () -> Void) {
        broker.scheduler.execute(on: broker.queue) {
            self.broker.leave(self.member, group: self.group, topic: self.topic)
            completion()
        }
    }
}
