import Dispatch
import FlowCore
import FlowRESP
import FlowRuntime
import Foundation
import Logging

/// The Redis Streams backend: one stream per partition, a Redis consumer group per flow group, partition
/// ownership by leases, so several processes share one pipeline's work (key layout: `RedisScripts`).
///
/// Invariants:
/// - every field below `queue` is touched only on `queue`; Redis requests leave it in order (`RedisLink`), and
///   each one is bracketed by `scheduler.beginExternalWork()`, its reply handled back on `queue`;
/// - a publish completes only once Redis stored every record of it; a waiting record is retried when this
///   process acks on its topic and every `pollInterval` (acks of other processes);
/// - a member reads only partitions whose lease it holds, a partition it just took from its pending entries
///   first (`XAUTOCLAIM`), so what a departed member held is delivered again before anything newer.
///
/// `@unchecked Sendable`: state is confined to `queue` as stated above.
public final class RedisBroker: TopicListing, @unchecked Sendable {
    let link: RedisLink
    let prefix: String
    let scheduler: any FlowScheduler
    let queue = DispatchQueue(label: "flow.broker.redis")
    /// How long a partition's lease lasts without renewal.
    let leaseDuration: Duration
    /// How often members renew their leases and look at who else is in the group: a third of the lease, at
    /// most a second, so partitions move to a member that joined within about a second.
    var heartbeatInterval: Duration { min(leaseDuration / 3, .seconds(1)) }
    /// How many attempts begun on a record taken over from the pending list may go unfinished before the
    /// record is given up (`AbandonedAttempts.limit`).
    let abandonLimit: Int
    /// How often idle members look for records other processes stored, and waiting publishes for room.
    let pollInterval: Duration
    /// Appended to a member's name to make its Redis consumer name unique (`m1@host:pid:random`).
    let consumerSuffix: String

    var specs: [String: TopicSpec] = [:]
    var roundRobin: [String: Int] = [:]
    var waiting: [String: [WaitingPublish]] = [:]
    /// Each topic's pump of waiting publishes.
    var pumping = CoalescedCalls()
    var pumpScheduled: Set<String> = []
    var producers: [String: [WaitingSteps]] = [:]
    /// Each owner's call storing its steps.
    var storingSteps = CoalescedCalls()
    var members: [MemberID: RedisMember] = [:]
    /// Every member that joined in this process, in order, also those that left (for the summary).
    var joined: [RedisMember] = []
    /// Acks and retry states a broken connection failed, to send again once it is back.
    var unsent: [(request: ReliableRequest, after: @Sendable () -> Void)] = []
    var resendScheduled = false
    /// Set while Redis is unreachable: warned once, noticed once it answers again.
    var unreachable = false
    let logger: Logger

    /// Connects to Redis for the pipeline `pipeline` (its keys start with `flow:{pipeline}:`); `abandonLimit`
    /// (1 or more) is how many unfinished attempts a taken-over record may have; `logger` says when Redis
    /// stops and starts answering.
    public static func connect(
        _ configuration: RESPConfiguration,
        pipeline: String,
        lease: Duration = .seconds(10),
        abandonLimit: Int = 5,
        pollInterval: Duration = .milliseconds(50),
        scheduler: any FlowScheduler = DispatchScheduler(),
        logger: Logger = Logger(label: "flow.redis")
    ) async throws(RESPError) -> RedisBroker {
        let link = try await RedisLink.open(configuration)
        return RedisBroker(
            link: link,
            pipeline: pipeline,
            lease: lease,
            abandonLimit: abandonLimit,
            pollInterval: pollInterval,
            scheduler: scheduler,
            logger: logger
        )
    }

    private init(
        link: RedisLink,
        pipeline: String,
        lease: Duration,
        abandonLimit: Int,
        pollInterval: Duration,
        scheduler: any FlowScheduler,
        logger: Logger
    ) {
        self.logger = logger
        self.link = link
        prefix = "flow:{\(pipeline)}:"
        leaseDuration = lease
        self.abandonLimit = abandonLimit
        self.pollInterval = pollInterval
        self.scheduler = scheduler
        let host = ProcessInfo.processInfo.hostName
        consumerSuffix = "@\(host):\(getpid()):\(UInt32.random(in: 0...UInt32.max))"
    }

    deinit { link.close() }

    /// Stops everything at once, as a crash would, releasing nothing: members stop reading and renewing, the
    /// connection closes; their leases lapse after `leaseDuration` and their pending entries wait for the next
    /// owner.
    public func halt() async {
        await onQueue {
            for member in self.members.values {
                member.closed = true
                member.poll?.cancel()
                member.heartbeat?.cancel()
            }
            self.members = [:]
            self.link.close()
        }
    }

    public var isDurable: Bool { true }

    /// Runs `script` with the prefix and `arguments`; `handle` runs on `queue` with the reply.
    func run(
        _ script: RedisLink.Script,
        _ arguments: [RESPArgument],
        handle: @escaping @Sendable (Result<RESPValue, BrokerError>) -> Void
    ) {
        let done = scheduler.beginExternalWork()
        link.run(script, [RESPArgument(prefix)] + arguments) { result in
            self.scheduler.execute(on: self.queue) {
                self.note(result.map { _ in () })
                handle(result)
            }
            done()
        }
    }

    /// Sends `commands`; `handle` runs on `queue` with the replies.
    func send(_ commands: [RESPCommand], handle: @escaping @Sendable (Result<[RESPValue], BrokerError>) -> Void) {
        let done = scheduler.beginExternalWork()
        link.send(commands) { result in
            self.scheduler.execute(on: self.queue) {
                self.note(result.map { _ in () })
                handle(result)
            }
            done()
        }
    }

    /// Warns once when Redis stops answering and notes once when it answers again.
    private func note(_ result: Result<Void, BrokerError>) {
        switch result {
        case .success:
            guard unreachable else { return }
            unreachable = false
            logger.notice("redis answers again", metadata: ["flow.broker": "\(link.configuration)"])
        case .failure(let error) where !RedisLink.isRefusal(error):
            guard !unreachable else { return }
            unreachable = true
            logger.warning(
                "redis unreachable; requests are tried again as the connection is made again",
                metadata: ["flow.broker": "\(link.configuration)", "flow.error": "\(error)"]
            )
        case .failure: break
        }
    }

    /// A request that must reach Redis eventually (an ack, a retry state): idempotent, so sending it again
    /// after a broken connection is safe.
    enum ReliableRequest: Sendable {
        case commands([RESPCommand])
        case script(RedisLink.Script, [RESPArgument])
    }

    /// Sends `request`; when the connection fails it, keeps it (with `after`) and sends it again after
    /// `pollInterval` (the link reconnects meanwhile), so no ack is lost to a broken connection. `after` runs
    /// once it got through; never for a request Redis refused (logged instead).
    func sendReliably(_ request: ReliableRequest, then after: @escaping @Sendable () -> Void = {}) {
        dispatchPrecondition(condition: .onQueue(queue))
        let handle: @Sendable (BrokerError?) -> Void = { error in
            guard let error else { return after() }
            if RedisLink.isRefusal(error) {
                self.logger.error("redis refused a request; it is dropped", metadata: ["flow.error": "\(error)"])
                return
            }
            self.unsent.append((request, after))
            self.resendLater()
        }
        switch request {
        case .commands(let commands):
            send(commands) { result in
                if case .failure(let error) = result { handle(error) } else { handle(nil) }
            }
        case .script(let script, let arguments):
            run(script, arguments) { result in
                if case .failure(let error) = result { handle(error) } else { handle(nil) }
            }
        }
    }

    private func resendLater() {
        guard !resendScheduled else { return }
        resendScheduled = true
        scheduler.schedule(after: pollInterval, on: queue) {
            self.resendScheduled = false
            let requests = self.unsent
            self.unsent = []
            for (request, after) in requests { self.sendReliably(request, then: after) }
        }
    }

    /// `run` from async code.
    func run(_ script: RedisLink.Script, _ arguments: [RESPArgument]) async throws(BrokerError) -> RESPValue {
        let result = await withCheckedContinuation { continuation in
            scheduler.execute(on: queue) { self.run(script, arguments) { continuation.resume(returning: $0) } }
        }
        return try result.get()
    }

    /// Runs `body` on `queue` from async code.
    func onQueue<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            scheduler.execute(on: queue) { continuation.resume(returning: body()) }
        }
    }

    func key(_ parts: String...) -> String { prefix + parts.joined(separator: ":") }

    func stream(_ topic: String, _ partition: Int) -> String { key("s", topic, String(partition)) }

    public func declare(_ topic: TopicSpec) async throws(BrokerError) {
        let reply = try await run(
            .declare,
            [
                RESPArgument(topic.name), RESPArgument(topic.partitions), RESPArgument(topic.capacity),
                RESPArgument(topic.retention),
            ]
        )
        guard reply.integer == 1 else { throw .conflictingTopic(topic.name) }
        await onQueue { self.specs[topic.name] = topic }
    }

    public func declareGroup(_ group: String, on topic: String) async throws(BrokerError) {
        let reply = try await run(.declareGroup, [RESPArgument(topic), RESPArgument(group)])
        guard reply.integer == 1 else { throw .unknownTopic(topic) }
    }

    public func stats(of topic: String) async throws(BrokerError) -> TopicStats {
        let reply = try await run(.stats, [RESPArgument(topic)])
        guard let values = reply.array, let published = values.first?.integer, published >= 0 else {
            throw .unknownTopic(topic)
        }
        let numbers = values.map(\.integer)
        let partitions = Int(numbers[2] ?? 0)
        var retained = 0
        var endOffsets: [Int64] = []
        for p in 0..<partitions {
            retained += Int(numbers[3 + 2 * p] ?? 0)
            endOffsets.append(numbers[4 + 2 * p] ?? 0)
        }
        var index = 3 + 2 * partitions
        let groups = Int(numbers[index] ?? 0)
        index += 1
        var committed: [String: [Int64]] = [:]
        for _ in 0..<groups {
            let name = values[index].string ?? ""
            committed[name] = (0..<partitions).map { numbers[index + 1 + $0] ?? 0 }
            index += 1 + partitions
        }
        let waitingPublishes = await onQueue { self.waiting[topic]?.count ?? 0 }
        return TopicStats(
            name: topic,
            published: Int(published),
            retained: retained,
            evicted: Int(numbers[1] ?? 0),
            endOffsets: endOffsets,
            committed: committed,
            waitingPublishes: waitingPublishes
        )
    }

    public func records(of topic: String) async throws(BrokerError) -> [BrokerRecord] {
        let spec = try await self.spec(of: topic)
        let commands = (0..<spec.partitions).map { RESPCommand("XRANGE", RESPArgument(stream(topic, $0)), "-", "+") }
        let replies = try await link.send(commands)
        var records: [BrokerRecord] = []
        for (p, reply) in zip(0..<spec.partitions, replies) {
            records += try RedisEntry.records(in: reply, partition: p, stream: stream(topic, p))
        }
        return records
    }

    /// Up to `limit` records of `partition` of `topic` from `offset` on, in offset order; read-only (for
    /// `flow tail` beside the pipeline).
    public func records(
        of topic: String,
        partition: Int,
        from offset: Int64,
        limit: Int
    ) async throws(BrokerError) -> [BrokerRecord] {
        let stream = stream(topic, partition)
        let command = RESPCommand(
            "XRANGE",
            RESPArgument(stream),
            RESPArgument(RedisEntry.id(of: offset)),
            "+",
            "COUNT",
            RESPArgument(limit)
        )
        let reply = try await link.send([command])[0]
        return try RedisEntry.records(in: reply, partition: partition, stream: stream)
    }

    public func checkpoint(of producer: String) async throws(BrokerError) -> ProducerCheckpoint? {
        let reply = try await link.send([RESPCommand("HGET", RESPArgument(key("c")), RESPArgument(producer))])[0]
        guard let text = reply.string else { return nil }
        return RedisEntry.checkpoint(text)
    }

    /// The spec of `topic`, as declared here or read from Redis.
    func spec(of topic: String) async throws(BrokerError) -> TopicSpec {
        let result: Result<TopicSpec, BrokerError> = await withCheckedContinuation { continuation in
            scheduler.execute(on: queue) {
                if let known = self.specs[topic] { return continuation.resume(returning: .success(known)) }
                self.loadSpec(topic) { continuation.resume(returning: $0) }
            }
        }
        return try result.get()
    }
}

/// Finished producers in the `d` hash of the pipeline's keys (producer → 1).
extension RedisBroker: SharedProgress {
    public func started(producer: String) async throws(BrokerError) {
        _ = try await link.send([RESPCommand("HDEL", RESPArgument(key("d")), RESPArgument(producer))])
    }

    public func finished(producer: String) async throws(BrokerError) {
        _ = try await link.send([RESPCommand("HSET", RESPArgument(key("d")), RESPArgument(producer), "1")])
    }

    public func ownership() async -> [PartitionOwnership] {
        await onQueue {
            self.joined.map {
                PartitionOwnership(
                    member: $0.consumer,
                    topic: $0.topic,
                    group: $0.group,
                    partitions: $0.everOwned.sorted()
                )
            }
        }
    }

    public func unfinished(_ producers: [String]) async throws(BrokerError) -> [String] {
        guard !producers.isEmpty else { return [] }
        let reply = try await link.send([
            RESPCommand("HMGET", [RESPArgument(key("d"))] + producers.map { RESPArgument($0) })
        ])[0]
        let flags = reply.array ?? []
        return producers.enumerated().filter { index, _ in index >= flags.count || flags[index] == .null }.map(
            \.element
        )
    }
}
