import Dispatch
import FlowCore

/// Publishing into a memory topic, per partition: a record is stored when its partition has room and no
/// earlier record still waits for that partition, so order holds per partition (and so per key) while a full
/// partition holds back only the records bound for it. A keyless record takes the next partition, in
/// round-robin order, that can take it.
extension MemoryBroker {
    /// Stores what fits of `records` now and parks the rest, in order, behind earlier records waiting for the
    /// same partitions; with `pastCapacity` stores all of them at once.
    func enqueue(
        _ records: [OutgoingRecord],
        to name: String,
        pastCapacity: Bool = false,
        queue completionQueue: DispatchQueue,
        completion: @escaping @Sendable (Result<Void, BrokerError>) -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let topic = topics[name] else {
            scheduler.execute(on: completionQueue) { completion(.failure(.unknownTopic(name))) }
            return
        }
        var blocked = pastCapacity ? [] : topic.waitingPartitions()
        var pending: [(index: Int, partition: Int?)] = []
        for index in records.indices {
            let partition = topic.partition(of: records[index])
            if !place(records[index], partition, in: topic, blocked: &blocked, pastCapacity) {
                pending.append((index, partition))
            }
        }
        if pending.isEmpty {
            complete(on: completionQueue, completion)
        } else {
            topic.waiting.append(
                MemoryTopic.WaitingPublish(
                    records: records,
                    pending: pending,
                    queue: completionQueue,
                    completion: completion
                )
            )
        }
        if pending.count < records.count {
            deliverWhenCommitted(topic)
            deliver(topic)
        }
    }

    /// Stores each record that can be stored now (see `Broker.offer`): its partition has room and no earlier
    /// record, waiting or refused in this batch, is bound for it.
    func storeIfRoom(_ records: [OutgoingRecord], to name: String) -> Result<[Bool], BrokerError> {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let topic = topics[name] else { return .failure(.unknownTopic(name)) }
        var blocked = topic.waitingPartitions()
        let stored = records.map { place($0, topic.partition(of: $0), in: topic, blocked: &blocked, false) }
        if stored.contains(true) {
            deliverWhenCommitted(topic)
            deliver(topic)
        }
        return .success(stored)
    }

    /// Stores waiting records, oldest batch first, each as soon as its partition can take it; completes every
    /// batch fully stored (a later batch may complete first when its partitions had room). Returns whether
    /// anything was stored.
    @discardableResult
    func storeWaiting(in topic: MemoryTopic) -> Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        var blocked = Set<Int>()
        var storedAny = false
        var index = 0
        // Once every partition is blocked nothing further can be stored in this pass.
        while index < topic.waiting.count, blocked.count < topic.spec.partitions {
            let batch = topic.waiting[index]
            let left = batch.pending.filter {
                !place(batch.records[$0.index], $0.partition, in: topic, blocked: &blocked, false)
            }
            storedAny = storedAny || left.count < batch.pending.count
            guard left.isEmpty else {
                topic.waiting[index].pending = left
                index += 1
                continue
            }
            topic.waiting.remove(at: index)
            complete(on: batch.queue, batch.completion)
        }
        if storedAny { deliverWhenCommitted(topic) }
        return storedAny
    }

    /// Stores `record` when a partition can take it (any, with `pastCapacity`): `keyed`, the partition its key
    /// picks, else the next one in round-robin order with room. Otherwise adds `keyed` to `blocked` and
    /// returns false.
    @discardableResult
    func place(
        _ record: OutgoingRecord,
        _ keyed: Int?,
        in topic: MemoryTopic,
        blocked: inout Set<Int>,
        _ pastCapacity: Bool
    ) -> Bool {
        let partitions = topic.spec.partitions
        let p: Int
        if let keyed {
            p = keyed
            guard pastCapacity || (!blocked.contains(p) && topic.hasRoom(in: p)) else {
                blocked.insert(p)
                return false
            }
        } else {
            var candidate = topic.roundRobin % partitions
            var tried = 1
            while !pastCapacity, blocked.contains(candidate) || !topic.hasRoom(in: candidate) {
                guard tried < partitions else { return false }
                candidate = (candidate + 1) % partitions
                tried += 1
            }
            p = candidate
            topic.roundRobin = p + 1
        }
        // Fields are read in place: copying the whole record first retained every field of the event twice.
        let stored = topic.partitions[p].append(key: record.key, event: record.event, partition: p)
        if let journal {
            journal.stored(stored, in: topic.spec.name)
        } else {
            topic.partitions[p].durable = topic.partitions[p].end
        }
        if topic.groups.isEmpty && topic.partitions[p].log.count > topic.spec.retention {
            let base = topic.partitions[p].base + 1
            let evicted = topic.partitions[p].drop(below: base)
            topic.partitions[p].durable = max(topic.partitions[p].durable, base)
            topic.evicted += evicted
            journal?.dropped(in: topic.spec.name, partition: p, below: base, evicted: evicted)
        }
        topic.published += 1
        return true
    }

    /// Completes a publish or offer: at once in memory, once its records are committed under a journal.
    func complete(
        on queue: DispatchQueue,
        _ completion: @escaping @Sendable (Result<Void, BrokerError>) -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        guard let journal else {
            scheduler.execute(on: queue) { completion(.success(())) }
            return
        }
        journal.afterCommit { error in
            self.scheduler.execute(on: queue) { completion(error.map { .failure($0) } ?? .success(())) }
        }
    }

    /// Records were stored in `topic` this turn: under a journal they become deliverable, and are delivered, once
    /// their transaction committed (in memory they already are).
    func deliverWhenCommitted(_ topic: MemoryTopic) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let journal else { return }
        let ends = topic.partitions.map(\.end)
        journal.afterCommit { error in
            guard error == nil else { return }
            for p in ends.indices where topic.partitions[p].durable < ends[p] { topic.partitions[p].durable = ends[p] }
            self.deliver(topic)
        }
    }
}
