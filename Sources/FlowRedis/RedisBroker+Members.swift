import Dispatch
import FlowCore
import FlowRESP
import FlowRuntime

/// Members: joining, leases, reading, acks and leaving.
extension RedisBroker {
    public func subscribe(
        _ request: SubscriptionRequest,
        sink: any DeliverySink
    ) async throws(BrokerError) -> any BrokerSubscription {
        let spec = try await spec(of: request.topic)
        let known = try await link.send([
            RESPCommand("SISMEMBER", RESPArgument(key("g", request.topic)), RESPArgument(request.group))
        ])[0]
        guard known.integer == 1 else { throw .unknownGroup(group: request.group, topic: request.topic) }
        let id = MemberID(topic: request.topic, group: request.group, member: request.member)
        let result: Result<RedisSubscription, BrokerError> = await withCheckedContinuation { continuation in
            scheduler.execute(on: queue) {
                guard self.members[id] == nil else {
                    return continuation.resume(
                        returning: .failure(.duplicateMember(member: request.member, group: request.group))
                    )
                }
                let member = RedisMember(
                    id: id,
                    consumer: request.member + self.consumerSuffix,
                    partitions: spec.partitions,
                    request: request,
                    sink: sink
                )
                self.members[id] = member
                self.joined.append(member)
                self.rebalance(topic: request.topic, group: request.group) {
                    continuation.resume(returning: .success(RedisSubscription(broker: self, member: member)))
                }
            }
        }
        return try result.get()
    }

    /// Renews the heartbeat of every member of the group here, twice, so partitions one of them released in
    /// the first round are taken by the member now assigned them in the second.
    func rebalance(topic: String, group: String, then done: @escaping @Sendable () -> Void) {
        let local = members.values.filter { $0.topic == topic && $0.group == group }.sorted {
            $0.consumer < $1.consumer
        }
        beatInTurn(local + local, from: 0) {
            for member in local { self.fetch(member) }
            done()
        }
    }

    private func beatInTurn(_ rounds: [RedisMember], from index: Int, then done: @escaping @Sendable () -> Void) {
        guard index < rounds.count else { return done() }
        beat(rounds[index], leaving: false) { self.beatInTurn(rounds, from: index + 1, then: done) }
    }

    /// Renews `member`'s heartbeat and leases (or gives them up when `leaving`), then schedules the next one.
    func beat(_ member: RedisMember, leaving: Bool, then done: @escaping @Sendable () -> Void) {
        let milliseconds = max(1, Int(DurationText.milliseconds(leaseDuration)))
        run(
            .heartbeat,
            [
                RESPArgument(member.topic), RESPArgument(member.group), RESPArgument(member.consumer),
                RESPArgument(milliseconds), RESPArgument(member.partitions), leaving ? "1" : "0",
            ]
        ) { result in
            if case .success(let reply) = result, !member.closed || leaving {
                let owned = (reply.array ?? []).compactMap(\.integer).map { Int($0) }.sorted()
                for partition in owned where !member.owned.contains(partition) { member.claiming[partition] = "0-0" }
                for partition in member.owned where !owned.contains(partition) { member.claiming[partition] = nil }
                member.owned = leaving ? [] : owned
                member.everOwned.formUnion(owned)
            }
            if !member.closed {
                member.heartbeat?.cancel()
                member.heartbeat = self.scheduler.schedule(after: self.heartbeatInterval, on: self.queue) {
                    self.beat(member, leaving: false) { self.fetch(member) }
                }
            }
            done()
        }
    }

    /// Reads what `member` has credit for: pending entries of a partition it just took first, then new ones.
    func fetch(_ member: RedisMember) {
        dispatchPrecondition(condition: .onQueue(queue))
        let credit = member.window - member.unacked
        guard !member.closed, !member.fetching, !member.owned.isEmpty, credit > 0 else { return }
        member.poll?.cancel()
        member.poll = nil
        member.fetching = true
        if let (partition, cursor) = member.claiming.min(by: { $0.key < $1.key }) {
            claim(partition, from: cursor, credit: credit, for: member)
        } else {
            readNew(credit: credit, for: member)
        }
    }

    private func claim(_ partition: Int, from cursor: String, credit: Int, for member: RedisMember) {
        let stream = stream(member.topic, partition)
        run(
            .claim,
            [
                RESPArgument(member.topic), RESPArgument(member.group), RESPArgument(member.consumer),
                RESPArgument(partition), RESPArgument(cursor), RESPArgument(credit),
            ]
        ) { result in
            member.fetching = false
            guard case .success(let reply) = result else { return self.pollLater(member) }
            guard let parts = reply.array else {
                // The lease moved on: the partition is another member's now.
                member.claiming[partition] = nil
                member.owned.removeAll { $0 == partition }
                return self.fetch(member)
            }
            guard parts.count >= 2, let next = parts[0].string,
                let records = try? RedisEntry.records(in: parts[1], partition: partition, stream: stream)
            else { return self.pollLater(member) }
            member.claiming[partition] = next == "0-0" ? nil : next
            guard !records.isEmpty else { return self.fetch(member) }
            self.withRetryStates(records, of: member) { records in
                self.deliver(records, to: member)
            }
        }
    }

    private func readNew(credit: Int, for member: RedisMember) {
        let count = min(member.owned.count, credit)
        let partitions = Array(member.owned.prefix(count))
        let share = max(1, credit / count)
        run(
            .read,
            [
                RESPArgument(member.topic), RESPArgument(member.group), RESPArgument(member.consumer),
                RESPArgument(share),
            ] + partitions.map { RESPArgument($0) }
        ) { result in
            member.fetching = false
            guard case .success(let reply) = result, let parts = reply.array, parts.count == 2 else {
                return self.pollLater(member)
            }
            let held = Set((parts[0].array ?? []).compactMap(\.integer).map { Int($0) })
            // Partitions whose lease moved on are another member's now: stop reading them at once.
            member.owned.removeAll { partitions.contains($0) && !held.contains($0) }
            var records: [BrokerRecord] = []
            for entry in parts[1].array ?? [] {
                guard let pair = entry.array, pair.count == 2, let name = pair[0].string,
                    let partition = partitions.first(where: { self.stream(member.topic, $0) == name }),
                    let read = try? RedisEntry.records(in: pair[1], partition: partition, stream: name)
                else { continue }
                records += read
            }
            if records.isEmpty { return self.pollLater(member) }
            // The partitions read first go last next time, so a busy one never starves the others.
            member.owned = member.owned.filter { !partitions.contains($0) } + partitions.filter(member.owned.contains)
            self.deliver(records, to: member)
        }
    }

    private func deliver(_ records: [BrokerRecord], to member: RedisMember) {
        member.unacked += records.count
        let sink = member.sink
        scheduler.execute(on: member.sinkQueue) { sink.receive(records) }
        fetch(member)
    }

    private func pollLater(_ member: RedisMember) {
        guard !member.closed, member.poll == nil else { return }
        member.poll = scheduler.schedule(after: pollInterval, on: queue) {
            member.poll = nil
            self.fetch(member)
        }
    }

    /// `records` with the retry state their group keeps for them.
    private func withRetryStates(
        _ records: [BrokerRecord],
        of member: RedisMember,
        then deliver: @escaping @Sendable ([BrokerRecord]) -> Void
    ) {
        let fields = records.map { RESPArgument("\($0.position.partition):\($0.position.offset)") }
        send([RESPCommand("HMGET", [RESPArgument(key("r", member.topic, member.group))] + fields)]) { result in
            var records = records
            if case .success(let replies) = result, let states = replies[0].array {
                for (index, state) in states.enumerated() where index < records.count {
                    records[index].retry = state.string.flatMap(RedisEntry.retryState)
                }
            }
            deliver(records)
        }
    }

    func ack(_ positions: [RecordPosition], by member: RedisMember) {
        guard !positions.isEmpty else { return }
        member.unacked = max(0, member.unacked - positions.count)
        var arguments: [RESPArgument] = [RESPArgument(member.topic), RESPArgument(member.group)]
        for position in positions {
            arguments += [RESPArgument(position.partition), RESPArgument(position.offset)]
        }
        sendReliably(.script(.ack, arguments)) { self.madeRoom(in: member.topic) }
        fetch(member)
    }

    func commit(
        _ steps: [CommitStep],
        by member: RedisMember,
        queue completionQueue: DispatchQueue,
        _ completion: @escaping @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
    ) {
        let encoded = steps.map { step in
            arguments(batches: step.batches, ack: (member.topic, member.group, step.ack), checkpoint: nil)
        }
        member.unacked = max(0, member.unacked - steps.count)
        enqueue(encoded, for: "c:" + member.consumer, queue: completionQueue, completion: completion)
    }

    func retrying(_ position: RecordPosition, _ state: RetryState, by member: RedisMember) {
        let command = RESPCommand(
            "HSET",
            RESPArgument(key("r", member.topic, member.group)),
            RESPArgument("\(position.partition):\(position.offset)"),
            RESPArgument(RedisEntry.text(of: state))
        )
        sendReliably(.commands([command]))
    }

    func leave(_ member: RedisMember, _ completion: @escaping @Sendable () -> Void) {
        guard !member.closed else { return completion() }
        member.closed = true
        member.poll?.cancel()
        member.heartbeat?.cancel()
        members[member.id] = nil
        beat(member, leaving: true) {
            self.rebalance(topic: member.topic, group: member.group, then: completion)
        }
    }
}
