import Dispatch
import FlowCore

/// The in-process broker, built on Dispatch.
///
/// Invariant: every piece of mutable state (topics, partition logs, groups, cursors, members, waiting
/// publishes) is owned by the serial `queue`. Public entry points hop onto it through the scheduler; every
/// method that touches state checks `dispatchPrecondition(condition: .onQueue(queue))`. Callbacks (publish
/// completions, deliveries) leave the queue through the scheduler too, so no caller code ever runs on it.
///
/// Work is batched: one hop per publish batch, per delivery batch and per ack batch, never per record.
/// Leases are infinite: a delivered record stays with its member until acked or until the member leaves.
///
/// With a `BrokerJournal` (a durable backend) every change is also journaled, and records are delivered and
/// publishes completed only once the journal committed them (see `BrokerJournal`).
///
/// `@unchecked Sendable`: all mutable state is confined to `queue` (see above).
public final class MemoryBroker: Broker, @unchecked Sendable {
    let queue: DispatchQueue
    let scheduler: any FlowScheduler
    let journal: (any BrokerJournal)?
    /// `AbandonedAttempts.limit` of the records a restored group hands out again (`MemoryGroup.Cursor.takenOver`).
    let abandonLimit: Int
    var topics: [String: MemoryTopic] = [:]
    /// `BrokerSubscription.commit` calls waiting for room, oldest first.
    var waitingCommits: [Commit] = []
    var retryingCommits = false
    var retryCommitsAgain = false
    /// Each producer's checkpoint stored last (`publish(_:from:queue:completion:)`).
    var checkpoints: [String: ProducerCheckpoint] = [:]

    /// An empty broker whose hops go through `scheduler`, owning `queue` (a new one when nil) and writing its
    /// changes to `journal` when given; `abandonLimit` (1 or more) applies to what a restored group hands out
    /// again.
    public init(
        scheduler: any FlowScheduler,
        label: String = "flow.broker.memory",
        queue: DispatchQueue? = nil,
        journal: (any BrokerJournal)? = nil,
        abandonLimit: Int = BrokerURL.defaultAbandonLimit
    ) {
        self.scheduler = scheduler
        self.queue = queue ?? DispatchQueue(label: label)
        self.journal = journal
        self.abandonLimit = abandonLimit
    }

    public func declare(_ spec: TopicSpec) async throws(BrokerError) {
        try await onQueue { broker -> Result<Void, BrokerError> in
            if let existing = broker.topics[spec.name] {
                return existing.spec == spec ? .success(()) : .failure(.conflictingTopic(spec.name))
            }
            broker.topics[spec.name] = MemoryTopic(spec: spec)
            broker.journal?.declared(spec)
            return .success(())
        }.get()
    }

    public func declareGroup(_ group: String, on topic: String) async throws(BrokerError) {
        try await onQueue { broker -> Result<Void, BrokerError> in
            guard let state = broker.topics[topic] else { return .failure(.unknownTopic(topic)) }
            if state.group(named: group) == nil {
                let starts = state.partitions.map(\.base)
                state.groups.append(MemoryGroup(name: group, starts: starts))
                broker.journal?.declaredGroup(group, on: topic, starts: starts)
                broker.trim(state)
            }
            return .success(())
        }.get()
    }

    public func publish(
        _ records: [OutgoingRecord],
        to topic: String,
        pastCapacity: Bool,
        queue completionQueue: DispatchQueue,
        completion: @escaping @Sendable (Result<Void, BrokerError>) -> Void
    ) {
        scheduler.execute(on: queue) {
            self.enqueue(
                records,
                to: topic,
                pastCapacity: pastCapacity,
                queue: completionQueue,
                completion: completion
            )
        }
    }

    public func offer(
        _ records: [OutgoingRecord],
        to topic: String,
        queue completionQueue: DispatchQueue,
        completion: @escaping @Sendable (Result<[Bool], BrokerError>) -> Void
    ) {
        scheduler.execute(on: queue) {
            let result = self.storeIfRoom(records, to: topic)
            guard let journal = self.journal, case .success = result else {
                self.scheduler.execute(on: completionQueue) { completion(result) }
                return
            }
            journal.afterCommit { error in
                self.scheduler.execute(on: completionQueue) { completion(error.map { .failure($0) } ?? result) }
            }
        }
    }

    public func publish(
        _ steps: [ProducerStep],
        from producer: String,
        queue completionQueue: DispatchQueue,
        completion: @escaping @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
    ) {
        guard !steps.isEmpty else { return }
        let commit = Commit(steps: steps, producer: producer, queue: completionQueue, completion: completion)
        scheduler.execute(on: queue) { self.commit(commit) }
    }

    public func checkpoint(of producer: String) async throws(BrokerError) -> ProducerCheckpoint? {
        try await onQueue { broker -> Result<ProducerCheckpoint?, BrokerError> in
            .success(broker.checkpoints[producer])
        }.get()
    }

    public func subscribe(
        _ request: SubscriptionRequest,
        sink: any DeliverySink
    ) async throws(BrokerError) -> any BrokerSubscription {
        try await onQueue { broker -> Result<any BrokerSubscription, BrokerError> in
            broker.join(request, sink: sink)
        }.get()
    }

    public func stats(of topic: String) async throws(BrokerError) -> TopicStats {
        try await onQueue { broker in
            guard let state = broker.topics[topic] else { return .failure(.unknownTopic(topic)) }
            var committed: [String: [Int64]] = [:]
            for group in state.groups { committed[group.name] = group.cursors.map(\.committed) }
            return .success(
                TopicStats(
                    name: topic,
                    published: state.published,
                    retained: state.partitions.reduce(0) { $0 + $1.log.count },
                    evicted: state.evicted,
                    endOffsets: state.partitions.map(\.end),
                    committed: committed,
                    waitingPublishes: state.waiting.count
                )
            )
        }.get()
    }

    /// The records `topic` still holds, by partition then offset: for inspecting a dead-letter topic that no
    /// group reads (its retention bound applies) or a backlog.
    public func records(of topic: String) async throws(BrokerError) -> [BrokerRecord] {
        try await onQueue { broker in
            guard let state = broker.topics[topic] else { return .failure(.unknownTopic(topic)) }
            var records: [BrokerRecord] = []
            for partition in state.partitions {
                for index in 0..<partition.log.count { records.append(partition.log[index]) }
            }
            return .success(records)
        }.get()
    }

    /// Rebuilds a declared topic that has no groups yet from what a durable backend read back: its records,
    /// eviction count and groups (each resuming at its watermark, skipping what it acked above it). Nothing
    /// is journaled: the state came from the journal.
    public func restore(_ restored: RestoredTopic, of topic: String) async throws(BrokerError) {
        try await onQueue { broker -> Result<Void, BrokerError> in
            guard let state = broker.topics[topic] else { return .failure(.unknownTopic(topic)) }
            guard state.groups.isEmpty, restored.partitions.count == state.partitions.count else {
                return .failure(.conflictingTopic(topic))
            }
            for (p, partition) in restored.partitions.enumerated() {
                state.partitions[p] = MemoryPartition(base: partition.base, records: partition.records)
            }
            state.published = state.partitions.reduce(0) { $0 + Int($1.end) }
            state.evicted = restored.evicted
            for (name, group) in restored.groups.sorted(by: { $0.key < $1.key }) {
                state.groups.append(
                    MemoryGroup(
                        name: name,
                        restoring: group,
                        partitions: state.partitions,
                        afterCrash: restored.resumesAfterCrash
                    )
                )
            }
            for p in state.partitions.indices { state.trim(p) }
            return .success(())
        }.get()
    }

    /// Returns once everything changed so far is durable (at once without a journal).
    public func afterEverythingCommitted() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            scheduler.execute(on: queue) {
                guard let journal = self.journal else { return continuation.resume() }
                journal.afterCommit { _ in continuation.resume() }
            }
        }
    }

    /// Runs `body` on the queue and returns its result to the awaiting caller.
    private func onQueue<T: Sendable>(
        _ body: @escaping @Sendable (MemoryBroker) -> Result<T, BrokerError>
    ) async -> Result<T, BrokerError> {
        await withCheckedContinuation { continuation in
            scheduler.execute(on: queue) {
                dispatchPrecondition(condition: .onQueue(self.queue))
                continuation.resume(returning: body(self))
            }
        }
    }
}
