import Dispatch

/// `BrokerSubscription.commit` and a producer's `publish(_:from:)`: steps, each its records and its ack (or
/// the producer's checkpoint), stored in one turn of the queue, so under a journal in one transaction. A
/// step's records are placed all at once or not at all; the steps that do not fit yet wait, in order, behind
/// publishes already waiting for their partitions and behind earlier commits of the same source, until acks
/// make room.
extension MemoryBroker {
    /// One `commit` (or producer `publish`) call's steps not stored yet.
    ///
    /// Invariant: `acks` (a member's commit) or `checkpoints` (a producer's) holds one entry per step, the
    /// other is empty.
    ///
    /// `@unchecked Sendable`: carried onto the broker's queue, and its broker state touched only there.
    struct Commit: @unchecked Sendable {
        /// Who committed: a group member acking its records, or a producer moving its checkpoint.
        enum Source {
            case member(MemoryTopic, MemoryGroup, MemoryMember)
            case producer(String)

            /// Who, comparable: commits of one source are stored in the order they were made.
            enum ID: Hashable {
                case member(ObjectIdentifier)
                case producer(String)
            }

            var id: ID {
                switch self {
                case .member(_, _, let member): .member(ObjectIdentifier(member))
                case .producer(let name): .producer(name)
                }
            }
        }

        var batches: [[PublishBatch]]
        var acks: [RecordPosition] = []
        var checkpoints: [ProducerCheckpoint] = []
        var source: Source
        /// The first step not stored yet.
        var next = 0
        var queue: DispatchQueue
        var completion: @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void

        init(
            steps: [CommitStep],
            topic: MemoryTopic,
            group: MemoryGroup,
            member: MemoryMember,
            queue: DispatchQueue,
            completion: @escaping @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
        ) {
            batches = steps.map(\.batches)
            acks = steps.map(\.ack)
            source = .member(topic, group, member)
            self.queue = queue
            self.completion = completion
        }

        init(
            steps: [ProducerStep],
            producer: String,
            queue: DispatchQueue,
            completion: @escaping @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
        ) {
            batches = steps.map(\.batches)
            checkpoints = steps.map(\.checkpoint)
            source = .producer(producer)
            self.queue = queue
            self.completion = completion
        }
    }

    func commit(_ commit: Commit) {
        dispatchPrecondition(condition: .onQueue(queue))
        let unknown = commit.batches.lazy.joined().first { self.topics[$0.topic] == nil }
        if let unknown {
            let (completion, all) = (commit.completion, 0..<commit.batches.count)
            scheduler.execute(on: commit.queue) { completion(all, .failure(.unknownTopic(unknown.topic))) }
            return
        }
        var pending = commit
        let id = commit.source.id
        if waitingCommits.contains(where: { $0.source.id == id }) || !store(&pending) {
            waitingCommits.append(pending)
        }
    }

    /// Stores waiting commits that fit now, oldest first. Re-entrant calls (a commit's acks make room for the
    /// next) only ask the running pass to look again.
    func storeWaitingCommits() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !waitingCommits.isEmpty else { return }
        guard !retryingCommits else {
            retryCommitsAgain = true
            return
        }
        retryingCommits = true
        repeat {
            retryCommitsAgain = false
            var index = 0
            var stalled = Set<Commit.Source.ID>()
            while index < waitingCommits.count {
                var commit = waitingCommits[index]
                let id = commit.source.id
                if !stalled.contains(id), store(&commit) {
                    waitingCommits.remove(at: index)
                } else {
                    waitingCommits[index] = commit
                    stalled.insert(id)
                    index += 1
                }
            }
        } while retryCommitsAgain
        retryingCommits = false
    }

    /// Stores the steps of `commit` that fit, in order, and applies their acks or its last checkpoint; true
    /// once every step is stored.
    private func store(_ commit: inout Commit) -> Bool {
        let first = commit.next
        var touched: [MemoryTopic] = []
        while commit.next < commit.batches.count, let oversized = admits(commit.batches[commit.next]) {
            for batch in commit.batches[commit.next] {
                guard let topic = topics[batch.topic] else { continue }
                var blocked = Set<Int>()
                let past = batch.pastCapacity || oversized
                for record in batch.records {
                    place(record, topic.partition(of: record), in: topic, blocked: &blocked, past)
                }
                if !touched.contains(where: { $0 === topic }) { touched.append(topic) }
            }
            commit.next += 1
        }
        guard commit.next > first else { return false }
        for topic in touched {
            deliverWhenCommitted(topic)
            deliver(topic)
        }
        let done = first..<commit.next
        switch commit.source {
        case .member(let topic, let group, let member):
            applyAcks(Array(commit.acks[done]), topic: topic, group: group, member: member)
        case .producer(let name):
            let checkpoint = commit.checkpoints[done.upperBound - 1]
            checkpoints[name] = checkpoint
            journal?.checkpointed(name, at: checkpoint)
        }
        let completion = commit.completion
        if journal == nil {
            scheduler.execute(on: commit.queue) { completion(done, .success(())) }
        } else {
            let queue = commit.queue
            journal?.afterCommit { error in
                self.scheduler.execute(on: queue) { completion(done, error.map { .failure($0) } ?? .success(())) }
            }
        }
        return commit.next == commit.batches.count
    }

    /// Whether a step's records can all be stored now, none behind a waiting publish: nil if not, false when
    /// they fit, true when they fit only past capacity because a partition they need is empty but too small.
    private func admits(_ step: [PublishBatch]) -> Bool? {
        var oversized = false
        for batch in step where !batch.pastCapacity {
            guard let topic = topics[batch.topic] else { return nil }
            let blocked = topic.waitingPartitions()
            var needed: [Int: Int] = [:]
            var keyless = 0
            for record in batch.records {
                if let p = topic.partition(of: record) { needed[p, default: 0] += 1 } else { keyless += 1 }
            }
            for (p, count) in needed where topic.room(in: p) < count {
                guard !blocked.contains(p), topic.isEmpty(p) else { return nil }
                oversized = true
            }
            if needed.keys.contains(where: blocked.contains) { return nil }
            var free = 0
            var anyEmpty = false
            for p in topic.partitions.indices where !blocked.contains(p) {
                free = min(Int.max / 2, free + max(0, topic.room(in: p) - needed[p, default: 0]))
                anyEmpty = anyEmpty || topic.isEmpty(p)
            }
            if free < keyless {
                guard anyEmpty else { return nil }
                oversized = true
            }
        }
        return oversized
    }
}
