import Dispatch
import FlowCore

extension MemoryBroker {
    /// Stores what fits of `records` now and parks the rest behind earlier waiting batches (FIFO per topic,
    /// so a producer's order is kept across batches); with `pastCapacity` stores all of them at once.
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
        var stored = 0
        if pastCapacity || topic.waiting.isEmpty {
            stored = store(records, from: 0, in: topic, pastCapacity: pastCapacity)
            if stored == records.count {
                scheduler.execute(on: completionQueue) { completion(.success(())) }
            }
        }
        if stored < records.count {
            topic.waiting.append(
                MemoryTopic.WaitingPublish(
                    records: records,
                    next: stored,
                    queue: completionQueue,
                    completion: completion
                )
            )
        }
        if stored > 0 { deliver(topic) }
    }

    /// Stores each record whose partition has room now (see `Broker.offer`); a full partition refuses the rest
    /// of the batch's records for it (a keyless record tries every partition), and everything is refused
    /// while earlier batches wait.
    func storeIfRoom(_ records: [OutgoingRecord], to name: String) -> Result<[Bool], BrokerError> {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let topic = topics[name] else { return .failure(.unknownTopic(name)) }
        guard topic.waiting.isEmpty else { return .success(Array(repeating: false, count: records.count)) }
        var full = Set<Int>()
        var stored: [Bool] = []
        stored.reserveCapacity(records.count)
        for record in records {
            let p = record.key.map { PartitionKey.partition(for: $0, partitions: topic.spec.partitions) }
            if let p, full.contains(p) {
                stored.append(false)
                continue
            }
            var next = store([record], from: 0, in: topic)
            if next == 0, let p { full.insert(p) }
            // A record without a key may go to any partition: try the others before refusing it.
            var tries = 1
            while p == nil, next == 0, tries < topic.spec.partitions {
                topic.roundRobin &+= 1
                tries += 1
                next = store([record], from: 0, in: topic)
            }
            stored.append(next == 1)
        }
        if stored.contains(true) { deliver(topic) }
        return .success(stored)
    }

    /// Stores waiting batches, oldest first, until one no longer fits; completes every batch fully stored.
    /// Returns whether anything was stored.
    @discardableResult
    func storeWaiting(in topic: MemoryTopic) -> Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        var storedAny = false
        while var head = topic.waiting.first {
            let next = store(head.records, from: head.next, in: topic)
            storedAny = storedAny || next > head.next
            head.next = next
            guard next == head.records.count else {
                topic.waiting[0] = head
                break
            }
            _ = topic.waiting.popFirst()
            let completion = head.completion
            scheduler.execute(on: head.queue) { completion(.success(())) }
        }
        return storedAny
    }

    /// Appends `records[start...]` until a target partition is full (never, with `pastCapacity`); returns the
    /// index of the first record not stored. Round-robin advances only for stored records, so a retried
    /// record keeps its partition.
    private func store(
        _ records: [OutgoingRecord],
        from start: Int,
        in topic: MemoryTopic,
        pastCapacity: Bool = false
    ) -> Int {
        let partitions = topic.spec.partitions
        let retention = topic.spec.retention
        let unread = topic.groups.isEmpty
        var index = start
        while index < records.count {
            // Fields are read in place: copying the whole record first retained every field of the event twice.
            let key = records[index].key
            let p: Int
            if let key {
                p = PartitionKey.partition(for: key, partitions: partitions)
            } else {
                p = topic.roundRobin % partitions
            }
            guard pastCapacity || topic.hasRoom(in: p) else { break }
            if key == nil { topic.roundRobin &+= 1 }
            topic.partitions[p].append(key: key, event: records[index].event, partition: p)
            if unread && topic.partitions[p].log.count > retention {
                topic.evicted += topic.partitions[p].drop(below: topic.partitions[p].base + 1)
            }
            index += 1
        }
        topic.published += index - start
        return index
    }
}
