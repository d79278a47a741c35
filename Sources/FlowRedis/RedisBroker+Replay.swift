import FlowCore
import FlowRESP
import FlowRuntime

/// `flow dlq replay` on Redis: dead letters back to their source topic (or another), beside running pipelines.
///
/// Invariants: each envelope's event is stored on its target and the envelope deleted from the dead-letter
/// stream by one script call, so a crash or a broken connection mid-replay neither duplicates nor loses one;
/// a target partition's `capacity` holds as for any publish (what has no room stays a dead letter, counted in
/// `leftForRoom`, and so does every later envelope bound for that topic, while those for others go on);
/// `limit` counts the envelopes moved or left for room, not those found gone; an envelope replayed or
/// evicted by someone else meanwhile is counted in `gone`, never stored twice. Running members see replayed records at their next read, as any other publish.
extension RedisBroker {
    /// Envelopes moved per script call: each call holds Redis for a bounded time.
    static let replayBatch = 256

    /// Replays the envelopes of `topic` for which `select` holds, at most `limit`, to `target` (or each one's
    /// `flowsourcetopic`); with `dryRun` only reports what it would do.
    public func replayDeadLetters(
        from topic: String,
        to target: String?,
        limit: Int?,
        dryRun: Bool,
        select: (CloudEvent) -> Bool
    ) async throws(BrokerError) -> DeadLetterReplay.Report {
        let groups = try await link.send([RESPCommand("SMEMBERS", RESPArgument(key("g", topic)))])[0]
        if let names = groups.array?.compactMap(\.string), !names.isEmpty {
            throw .unavailable(
                "topic \"\(topic)\" is read by group \(names.sorted().joined(separator: ", ")); "
                    + "replay from a dead-letter topic no consumer reads"
            )
        }
        // Without a limit in the plan: an envelope found gone (another replay took it) does not use up `limit`.
        let (moves, skipped) = DeadLetterReplay.plan(
            try await records(of: topic),
            to: target,
            limit: dryRun ? limit : nil,
            select: select
        )
        var report = DeadLetterReplay.Report()
        report.skippedMalformed = skipped
        guard !dryRun else {
            report.replayed = moves.map { ($0.event, $0.to) }
            return report
        }
        /// How many more envelopes `limit` lets this replay move or leave for room.
        func budget() -> Int {
            guard let limit else { return .max }
            return limit - report.replayed.count - report.leftForRoom.values.reduce(0, +)
        }
        var roundRobin: [String: Int] = [:]
        do throws(BrokerError) {
            var index = 0
            while index < moves.count, budget() > 0 {
                // One call per run of envelopes bound for the same topic, at most `replayBatch` long.
                let to = moves[index].to
                // A topic that had no room gets nothing more this time (its order is kept); the others go on.
                if report.leftForRoom[to] != nil {
                    report.leftForRoom[to, default: 0] += 1
                    index += 1
                    continue
                }
                var end = index
                while end < moves.count, end - index < min(Self.replayBatch, budget()), moves[end].to == to {
                    end += 1
                }
                let spec = try await self.spec(of: to)
                var arguments = [RESPArgument(topic), RESPArgument(to), RESPArgument(roundRobin[to] ?? 0)]
                for move in moves[index..<end] {
                    let partition = move.record.key.map { PartitionKey.partition(for: $0, partitions: spec.partitions) }
                    arguments += [
                        RESPArgument(move.record.position.partition), RESPArgument(move.record.position.offset),
                        RESPArgument(partition ?? -1), RESPArgument(move.record.key ?? ""),
                        RESPArgument(move.record.key == nil ? "0" : "1"), RESPArgument(bytes: move.event.jsonBytes),
                    ]
                }
                let reply = try await run(.replay, arguments).array?.compactMap(\.integer) ?? []
                guard reply.count >= 2, reply[0] >= 0 else {
                    throw reply.first == -2
                        ? .unknownTopic(to) : .unavailable("redis answered a replay without its counts")
                }
                for (move, moved) in zip(moves[index..<end], reply.dropFirst(2)) {
                    if moved == 1 { report.replayed.append((move.event, move.to)) } else { report.gone += 1 }
                }
                roundRobin[to] = Int(reply[1])
                if reply[0] == 1 { report.leftForRoom[to] = end - index - (reply.count - 2) }
                index = end
            }
        } catch {
            // Envelopes moved before the failure stay moved: the error says how many.
            guard !report.replayed.isEmpty else { throw error }
            throw .unavailable("\(error) (after \(report.replayed.count) dead letters were replayed)")
        }
        return report
    }
}
