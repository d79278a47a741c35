import Dispatch
import FlowCore
import FlowRESP
import FlowRuntime

/// A publish batch some of whose records wait for room, in order behind earlier batches of its topic.
struct WaitingPublish {
    var records: [OutgoingRecord]
    var stored: [Bool]
    var queue: DispatchQueue
    var completion: @Sendable (Result<Void, BrokerError>) -> Void
}

/// Publishing: records go to Redis in order per topic; what does not fit waits here and is offered again when
/// acks make room.
extension RedisBroker {
    /// Records per publish script: a script blocks Redis while it runs, so batches stay short.
    static let scriptBatch = 512

    public func publish(
        _ records: [OutgoingRecord],
        to topic: String,
        pastCapacity: Bool,
        queue completionQueue: DispatchQueue,
        completion: @escaping @Sendable (Result<Void, BrokerError>) -> Void
    ) {
        scheduler.execute(on: queue) {
            guard !records.isEmpty else {
                return self.scheduler.execute(on: completionQueue) { completion(.success(())) }
            }
            let batch = WaitingPublish(
                records: records,
                stored: Array(repeating: false, count: records.count),
                queue: completionQueue,
                completion: completion
            )
            if pastCapacity {
                self.storePastCapacity(batch, to: topic)
            } else {
                self.waiting[topic, default: []].append(batch)
                self.pump(topic)
            }
        }
    }

    public func offer(
        _ records: [OutgoingRecord],
        to topic: String,
        queue completionQueue: DispatchQueue,
        completion: @escaping @Sendable (Result<[Bool], BrokerError>) -> Void
    ) {
        scheduler.execute(on: queue) {
            let blocked = self.waitingPartitions(of: topic)
            self.store(records, to: topic, pastCapacity: false, blocked: blocked) { result in
                if case .success(let placed) = result, placed.contains(where: { $0 >= 0 }) { self.stored(in: topic) }
                let flags = result.map { $0.map { $0 >= 0 } }
                self.scheduler.execute(on: completionQueue) { completion(flags) }
            }
        }
    }

    /// Offers the waiting records of `topic` again (one script call at a time per topic, in order).
    func pump(_ topic: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !pumping.joinsRunning(topic), let batches = waiting[topic], !batches.isEmpty else { return }
        var slots: [(batch: Int, record: Int)] = []
        for (b, batch) in batches.enumerated() {
            for (r, stored) in batch.stored.enumerated() where !stored && slots.count < Self.scriptBatch {
                slots.append((b, r))
            }
        }
        pumping.start(topic)
        let sent = slots
        let records = slots.map { batches[$0.batch].records[$0.record] }
        store(records, to: topic, pastCapacity: false, blocked: []) { result in
            let roomMade = self.pumping.finish(topic)
            switch result {
            case .failure(let error) where !RedisLink.isRefusal(error):
                // The connection broke (the script may or may not have run): offer the records again once it is
                // back; at worst some are stored twice, never lost.
                self.pumpLater(topic)
            case .failure(let error):
                // Redis refused (out of memory, a key of another type): every waiting batch of the topic fails.
                for batch in self.waiting.removeValue(forKey: topic) ?? [] {
                    self.scheduler.execute(on: batch.queue) { batch.completion(.failure(error)) }
                }
            case .success(let placed):
                for (slot, partition) in zip(sent, placed) where partition >= 0 {
                    self.waiting[topic]?[slot.batch].stored[slot.record] = true
                }
                let done = self.waiting[topic]?.filter { !$0.stored.contains(false) } ?? []
                self.waiting[topic]?.removeAll { !$0.stored.contains(false) }
                for batch in done { self.scheduler.execute(on: batch.queue) { batch.completion(.success(())) } }
                if placed.contains(where: { $0 >= 0 }) { self.stored(in: topic) }
                if self.waiting[topic]?.isEmpty == true { self.waiting[topic] = nil }
                let progressed = placed.count == sent.count && placed.contains(where: { $0 >= 0 })
                if progressed || roomMade, self.waiting[topic] != nil {
                    self.pump(topic)
                } else if self.waiting[topic] != nil {
                    self.pumpLater(topic)
                }
            }
        }
    }

    /// Looks again after `pollInterval`: acks of other processes make room without telling this one.
    func pumpLater(_ topic: String) {
        guard !pumpScheduled.contains(topic) else { return }
        pumpScheduled.insert(topic)
        scheduler.schedule(after: pollInterval, on: queue) {
            self.pumpScheduled.remove(topic)
            self.pump(topic)
        }
    }

    private func storePastCapacity(_ batch: WaitingPublish, to topic: String) {
        store(batch.records, to: topic, pastCapacity: true, blocked: []) { result in
            if case .failure(let error) = result, !RedisLink.isRefusal(error) {
                self.scheduler.schedule(after: self.pollInterval, on: self.queue) {
                    self.storePastCapacity(batch, to: topic)
                }
                return
            }
            if case .success = result { self.stored(in: topic) }
            self.scheduler.execute(on: batch.queue) { batch.completion(result.map { _ in () }) }
        }
    }

    /// Partitions that records of waiting publishes are bound for: offers must not overtake them.
    func waitingPartitions(of topic: String) -> Set<Int> {
        guard let spec = specs[topic] else { return [] }
        var partitions = Set<Int>()
        for batch in waiting[topic] ?? [] {
            for (record, stored) in zip(batch.records, batch.stored) where !stored {
                if let key = record.key {
                    partitions.insert(PartitionKey.partition(for: key, partitions: spec.partitions))
                }
            }
        }
        return partitions
    }

    /// Runs the publish script for `records` (at most `scriptBatch` of them): per record the partition it went
    /// to, or -1 when it did not fit.
    func store(
        _ records: [OutgoingRecord],
        to topic: String,
        pastCapacity: Bool,
        blocked: Set<Int>,
        handle: @escaping @Sendable (Result<[Int], BrokerError>) -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let spec = specs[topic] else {
            return loadSpec(topic) { result in
                switch result {
                case .failure(let error): handle(.failure(error))
                case .success:
                    self.store(records, to: topic, pastCapacity: pastCapacity, blocked: blocked, handle: handle)
                }
            }
        }
        var arguments: [RESPArgument] = [
            RESPArgument(topic), pastCapacity ? "1" : "0", RESPArgument(roundRobin[topic] ?? 0),
            RESPArgument("," + blocked.sorted().map(String.init).joined(separator: ",") + ","),
        ]
        arguments.reserveCapacity(4 + records.count * 4)
        for record in records {
            let partition = record.key.map { PartitionKey.partition(for: $0, partitions: spec.partitions) } ?? -1
            arguments.append(RESPArgument(partition))
            arguments.append(RESPArgument(record.key ?? ""))
            arguments.append(record.key == nil ? "0" : "1")
            arguments.append(RESPArgument(bytes: record.event.jsonBytes))
        }
        run(.publish, arguments) { result in
            handle(
                result.flatMap { reply in
                    guard let values = reply.array?.compactMap(\.integer), values.first != -2 else {
                        return .failure(.unknownTopic(topic))
                    }
                    guard values.count == records.count + 1 else {
                        return .failure(.unavailable("redis answered a publish to \(topic) without its placements"))
                    }
                    self.roundRobin[topic] = Int(values[records.count])
                    return .success(values.dropLast().map { Int($0) })
                }
            )
        }
    }

    /// Reads `topic`'s spec from Redis into `specs` (a topic this process did not declare).
    func loadSpec(_ topic: String, handle: @escaping @Sendable (Result<TopicSpec, BrokerError>) -> Void) {
        send([RESPCommand("HMGET", RESPArgument(key("t", topic)), "partitions", "capacity", "retention")]) { result in
            handle(
                result.flatMap { replies in
                    guard let fields = replies[0].array?.map(\.integer), fields.count == 3, let partitions = fields[0],
                        let capacity = fields[1], let retention = fields[2]
                    else { return .failure(.unknownTopic(topic)) }
                    let spec = TopicSpec(
                        name: topic,
                        partitions: Int(partitions),
                        capacity: Int(capacity),
                        retention: Int(retention)
                    )
                    self.specs[topic] = spec
                    return .success(spec)
                }
            )
        }
    }

    /// Records were stored in `topic`: its members here look at once instead of at their next poll.
    func stored(in topic: String) {
        for member in members.values where member.topic == topic { fetch(member) }
    }

    /// Acks made room in `topic` (or in topics steps wait for): waiting publishes and steps try again.
    func madeRoom(in topic: String) {
        pump(topic)
        for producer in producers.keys { storeSteps(of: producer) }
    }
}
