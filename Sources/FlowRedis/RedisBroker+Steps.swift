import Dispatch
import FlowCore
import FlowRESP
import FlowRuntime

/// Steps of one producer (or one member's commits) not stored yet, in order: each step's arguments for the
/// steps script, and the call whose index range they belong to.
struct WaitingSteps {
    var steps: [[RESPArgument]]
    /// How many of `steps` are stored already.
    var stored = 0
    var queue: DispatchQueue
    var completion: @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
}

/// Whole steps: a producer's records with its checkpoint, a consumer's emitted records with its ack, each
/// stored by one script call or not at all, in order per producer (or member).
extension RedisBroker {
    public func publish(
        _ steps: [ProducerStep],
        from producer: String,
        queue completionQueue: DispatchQueue,
        completion: @escaping @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
    ) {
        scheduler.execute(on: queue) {
            let encoded = steps.map { step in
                self.arguments(
                    batches: step.batches,
                    ack: nil,
                    checkpoint: (producer, RedisEntry.text(of: step.checkpoint))
                )
            }
            self.enqueue(encoded, for: "p:" + producer, queue: completionQueue, completion: completion)
        }
    }

    /// Queues `steps` behind the earlier ones of `owner` and tries to store them.
    func enqueue(
        _ steps: [[RESPArgument]],
        for owner: String,
        queue completionQueue: DispatchQueue,
        completion: @escaping @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !steps.isEmpty else { return }
        producers[owner, default: []].append(WaitingSteps(steps: steps, queue: completionQueue, completion: completion))
        storeSteps(of: owner)
    }

    /// One step's arguments for the steps script; keyless records take the topic's next partition here.
    func arguments(
        batches: [PublishBatch],
        ack: (topic: String, group: String, position: RecordPosition)?,
        checkpoint: (producer: String, text: String)?
    ) -> [RESPArgument] {
        var arguments: [RESPArgument] = [
            RESPArgument(ack?.topic ?? ""), RESPArgument(ack?.group ?? ""),
            RESPArgument(ack?.position.partition ?? 0), RESPArgument(ack?.position.offset ?? 0),
            RESPArgument(checkpoint?.producer ?? ""), RESPArgument(checkpoint?.text ?? ""),
            RESPArgument(batches.reduce(0) { $0 + $1.records.count }),
        ]
        for batch in batches {
            let partitions = specs[batch.topic]?.partitions ?? 1
            for record in batch.records {
                let partition: Int
                if let key = record.key {
                    partition = PartitionKey.partition(for: key, partitions: partitions)
                } else {
                    partition = (roundRobin[batch.topic] ?? 0) % partitions
                    roundRobin[batch.topic] = (partition + 1) % partitions
                }
                arguments += [
                    RESPArgument(batch.topic), RESPArgument(partition), RESPArgument(record.key ?? ""),
                    record.key == nil ? "0" : "1", RESPArgument(bytes: record.event.jsonBytes),
                    batch.pastCapacity ? "1" : "0",
                ]
            }
        }
        return arguments
    }

    /// Sends `owner`'s waiting steps (one script call in flight per owner); the ones that did not fit wait
    /// for `madeRoom` or the next poll.
    func storeSteps(of owner: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !storingSteps.joinsRunning(owner), let calls = producers[owner], !calls.isEmpty else { return }
        var slots: [(call: Int, step: Int)] = []
        var arguments: [RESPArgument] = []
        for (c, call) in calls.enumerated() {
            for s in call.stored..<call.steps.count where slots.count < 256 {
                slots.append((c, s))
                arguments += call.steps[s]
            }
        }
        let sent = slots
        storingSteps.start(owner)
        run(.steps, arguments) { result in
            let roomMade = self.storingSteps.finish(owner)
            let outcome: Result<Int, BrokerError> = result.flatMap { reply in
                guard let values = reply.array, let count = values.first?.integer else {
                    return .failure(.unavailable("redis answered a step without its count"))
                }
                if count == -2 { return .failure(.unknownTopic(values.count > 1 ? values[1].string ?? "" : "")) }
                return .success(Int(count))
            }
            self.finish(sent, of: owner, outcome, roomMade: roomMade)
        }
    }

    /// Takes the reply of a steps call; `roomMade` when room was made while it ran (so its rest goes again now).
    private func finish(
        _ sent: [(call: Int, step: Int)],
        of owner: String,
        _ outcome: Result<Int, BrokerError>,
        roomMade: Bool
    ) {
        guard var calls = producers[owner] else { return }
        switch outcome {
        case .failure(let error) where !RedisLink.isRefusal(error):
            // The connection broke: try the same steps again once it is back (at worst stored twice).
            storeStepsLater(owner)
        case .failure(let error):
            // Nothing of this call was stored: its steps, and every later one of the owner, fail.
            producers[owner] = nil
            for call in calls {
                let range = call.stored..<call.steps.count
                scheduler.execute(on: call.queue) { call.completion(range, .failure(error)) }
            }
        case .success(let count):
            for (c, call) in calls.enumerated() {
                let done = sent.prefix(count).filter { $0.call == c }
                guard let last = done.last else { continue }
                let range = call.stored..<(last.step + 1)
                calls[c].stored = last.step + 1
                scheduler.execute(on: call.queue) { call.completion(range, .success(())) }
            }
            calls.removeAll { $0.stored == $0.steps.count }
            producers[owner] = calls.isEmpty ? nil : calls
            // Emitted records may go to any topic: members here look at once (a fetch finds nothing is cheap).
            if count > 0 {
                for topic in specs.keys { stored(in: topic) }
                for topic in Array(waiting.keys) { pump(topic) }
            }
            if producers[owner] != nil {
                if (count == sent.count && count > 0) || roomMade {
                    storeSteps(of: owner)
                } else {
                    storeStepsLater(owner)
                }
            }
        }
    }

    private func storeStepsLater(_ owner: String) {
        let marker = "steps:" + owner
        guard !pumpScheduled.contains(marker) else { return }
        pumpScheduled.insert(marker)
        scheduler.schedule(after: pollInterval, on: queue) {
            self.pumpScheduled.remove(marker)
            self.storeSteps(of: owner)
        }
    }
}
