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
        let sentAt = DispatchTime.now()
        // A partition moving away keeps its lease while its records in flight finish, for one lease at most.
        let busy =
            leaving
            ? []
            : member.inFlight.keys.filter { partition in
                guard let since = member.revoking[partition] else { return true }
                return sentAt.uptimeNanoseconds - since.uptimeNanoseconds < UInt64(milliseconds) * 1_000_000
            }
        run(
            .heartbeat,
            [
                RESPArgument(member.topic), RESPArgument(member.group), RESPArgument(member.consumer),
                RESPArgument(milliseconds), RESPArgument(member.partitions), leaving ? "1" : "0",
            ] + busy.sorted().map { RESPArgument($0) }
        ) { result in
            if case .success(let reply) = result, !member.closed || leaving {
                let owned = leaving ? [] : (reply.array ?? []).compactMap(\.integer).map { Int($0) }.sorted()
                self.update(member, owned: owned, renewedUntil: sentAt + .milliseconds(milliseconds))
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

    /// Takes the heartbeat's answer: `owned` are the partitions whose lease is the member's until `renewedUntil`.
    /// A partition taken anew is read from its pending entries first (once nothing of it is in flight here); one
    /// that moved away stops being started at once, its records in flight finishing under the kept lease.
    private func update(_ member: RedisMember, owned: [Int], renewedUntil: DispatchTime) {
        for partition in owned where !member.owned.contains(partition) {
            member.revoking[partition] = nil
            if member.inFlight[partition, default: 0] > 0 {
                member.reclaiming.insert(partition)
            } else {
                member.claiming[partition] = "0-0"
            }
        }
        for partition in member.owned where !owned.contains(partition) {
            member.claiming[partition] = nil
            if member.inFlight[partition, default: 0] > 0, member.revoking[partition] == nil {
                member.revoking[partition] = .now()
            }
        }
        member.reclaiming.formIntersection(owned)
        if owned != member.owned.sorted() {
            logger.info(
                "partitions held",
                metadata: [
                    "flow.topic": "\(member.topic)", "flow.group": "\(member.group)",
                    "flow.member": "\(member.consumer)",
                    "flow.partitions": "\(owned.map(String.init).joined(separator: ","))",
                ]
            )
        }
        member.owned = owned
        member.everOwned.formUnion(owned)
        member.validUntil.withLock { valid in
            valid = Dictionary(uniqueKeysWithValues: owned.map { ($0, renewedUntil) })
        }
    }

    /// `partition`'s lease turned out to be another member's: nothing more of it is read or started here.
    private func lost(_ partition: Int, by member: RedisMember) {
        member.claiming[partition] = nil
        member.reclaiming.remove(partition)
        member.owned.removeAll { $0 == partition }
        _ = member.validUntil.withLock { $0.removeValue(forKey: partition) }
    }

    /// `positions` are no longer in flight: their credit returns, and a partition waiting to be claimed again
    /// is claimed once nothing of it is left in flight.
    private func settled(_ positions: [RecordPosition], by member: RedisMember) {
        member.unacked = max(0, member.unacked - positions.count)
        for position in positions {
            let left = member.inFlight[position.partition, default: 0] - 1
            member.inFlight[position.partition] = left > 0 ? left : nil
            if left <= 0 { member.revoking[position.partition] = nil }
        }
        reclaim([], by: member)
    }

    /// Reads `partitions` (still the member's) from their pending entries again, each once nothing of it is in
    /// flight here: records fetched and given back, or fetched by a read whose reply was lost.
    private func reclaim(_ partitions: some Sequence<Int>, by member: RedisMember) {
        member.reclaiming.formUnion(partitions.filter(member.owned.contains))
        for partition in member.reclaiming where member.inFlight[partition] == nil {
            member.reclaiming.remove(partition)
            member.claiming[partition] = "0-0"
        }
    }

    /// Reads what `member` has credit for: pending entries of a partition it just took first, then new ones.
    func fetch(_ member: RedisMember) {
        dispatchPrecondition(condition: .onQueue(queue))
        let credit = member.window - member.unacked
        guard !member.closed, !member.owned.isEmpty, credit > 0 else { return }
        if member.fetching {
            member.fetchAgain = true
            return
        }
        member.poll?.cancel()
        member.poll = nil
        member.fetching = true
        member.fetchAgain = false
        // Only partitions whose lease is surely still ours: what is read of another would be given back at once.
        if let (partition, cursor) = member.claiming.filter({ member.holds($0.key) }).min(by: { $0.key < $1.key }) {
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
                self.lost(partition, by: member)
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
        let readable = member.owned.filter { !member.reclaiming.contains($0) && member.holds($0) }
        guard !readable.isEmpty else {
            member.fetching = false
            return pollLater(member)
        }
        let count = min(readable.count, credit)
        let partitions = Array(readable.prefix(count))
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
                // Redis may have delivered what the lost reply held: those entries wait in the pending list.
                self.reclaim(partitions, by: member)
                return self.pollLater(member)
            }
            let held = Set((parts[0].array ?? []).compactMap(\.integer).map { Int($0) })
            // Partitions whose lease moved on are another member's now: stop reading them at once.
            for partition in partitions where !held.contains(partition) { self.lost(partition, by: member) }
            var records: [BrokerRecord] = []
            for entry in parts[1].array ?? [] {
                guard let pair = entry.array, pair.count == 2, let name = pair[0].string,
                    let partition = partitions.first(where: { self.stream(member.topic, $0) == name }),
                    let read = try? RedisEntry.records(in: pair[1], partition: partition, stream: name)
                else { continue }
                records += read
            }
            if records.isEmpty { return member.fetchAgain ? self.fetch(member) : self.pollLater(member) }
            // The partitions read first go last next time, so a busy one never starves the others.
            member.owned = member.owned.filter { !partitions.contains($0) } + partitions.filter(member.owned.contains)
            self.deliver(records, to: member)
        }
    }

    private func deliver(_ records: [BrokerRecord], to member: RedisMember) {
        member.unacked += records.count
        for record in records { member.inFlight[record.position.partition, default: 0] += 1 }
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

    /// `records`, taken over from the pending list, with the retry state their group keeps for them and the
    /// attempts begun on them that never finished (`AbandonedAttempts`, against `abandonLimit`); asked again
    /// while the connection is broken (left pending, for whoever owns them next, once the member left).
    private func withRetryStates(
        _ records: [BrokerRecord],
        of member: RedisMember,
        then deliver: @escaping @Sendable ([BrokerRecord]) -> Void
    ) {
        let fields = records.map { RESPArgument("\($0.position.partition):\($0.position.offset)") }
        let commands = ["r", "a"].map { kind in
            RESPCommand("HMGET", [RESPArgument(key(kind, member.topic, member.group))] + fields)
        }
        let limit = abandonLimit
        send(commands) { result in
            // Delivered without them, a poison record would escape its limit and a retry its budget: ask again.
            if case .failure(let error) = result, !RedisLink.isRefusal(error) {
                guard !member.closed else { return }
                self.scheduler.schedule(after: self.pollInterval, on: self.queue) {
                    self.withRetryStates(records, of: member, then: deliver)
                }
                return
            }
            var records = records
            for index in records.indices { records[index].abandoned = AbandonedAttempts(count: 0, limit: limit) }
            if case .success(let replies) = result, replies.count == 2 {
                for (index, state) in (replies[0].array ?? []).enumerated() where index < records.count {
                    records[index].retry = state.string.flatMap(RedisEntry.retryState)
                }
                for (index, count) in (replies[1].array ?? []).enumerated() where index < records.count {
                    records[index].abandoned?.count = count.string.flatMap { Int($0) } ?? 0
                }
            }
            deliver(records)
        }
    }

    /// Marks an attempt of the record at `position` begun, then runs `start` on `queue`. A broken connection
    /// tries again after `pollInterval` with the same `token` (counted once; the attempt waits: unmarked, a
    /// process it ends would not count it) until the member leaves; a refusal is logged and the attempt starts
    /// unmarked.
    func beginning(
        _ position: RecordPosition,
        by member: RedisMember,
        token: String = "\(UInt64.random(in: 0...UInt64.max))",
        queue startQueue: DispatchQueue,
        then start: @escaping @Sendable () -> Void
    ) {
        guard !member.closed else { return }
        let arguments = [
            RESPArgument(member.topic), RESPArgument(member.group), RESPArgument(position.partition),
            RESPArgument(position.offset), RESPArgument(token),
        ]
        run(.begin, arguments) { result in
            if case .failure(let error) = result {
                guard RedisLink.isRefusal(error) else {
                    self.scheduler.schedule(after: self.pollInterval, on: self.queue) {
                        self.beginning(position, by: member, token: token, queue: startQueue, then: start)
                    }
                    return
                }
                self.logger.error(
                    "redis refused to mark an attempt begun; it starts unmarked",
                    metadata: ["flow.error": "\(error)"]
                )
            }
            self.scheduler.execute(on: startQueue, start)
        }
    }

    func ack(_ positions: [RecordPosition], by member: RedisMember) {
        guard !positions.isEmpty else { return }
        settled(positions, by: member)
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
        // In flight until stored: a partition moving away keeps its lease until its commits are in Redis.
        let acks = steps.map(\.ack)
        enqueue(encoded, for: "c:" + member.consumer, queue: completionQueue) { done, result in
            self.scheduler.execute(on: self.queue) { self.settled(Array(acks[done]), by: member) }
            completion(done, result)
        }
    }

    /// Stores `state` of `position` while the group has the record pending (never after its ack).
    func retrying(_ position: RecordPosition, _ state: RetryState, by member: RedisMember) {
        let arguments = [
            RESPArgument(member.topic), RESPArgument(member.group), RESPArgument(position.partition),
            RESPArgument(position.offset), RESPArgument(RedisEntry.text(of: state)),
        ]
        sendReliably(.script(.retry, arguments))
    }

    /// Records the runner gave back unstarted (`holds` said no): the partition's owner gets them again from the
    /// pending list, this member too once nothing of the partition is left in flight here.
    func release(_ positions: [RecordPosition], by member: RedisMember) {
        settled(positions, by: member)
        reclaim(positions.map(\.partition), by: member)
        fetch(member)
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
