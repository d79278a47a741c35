import Dispatch

/// `BrokerSubscription.commit`: a consumer's steps, each its records and its ack, stored in one turn of the
/// queue, so under a journal in one transaction. A step's records are placed all at once or not at all; the
/// steps that do not fit yet wait, in order, behind publishes already waiting for their partitions, until
/// acks make room.
extension MemoryBroker {
    /// One `commit` call's steps not stored yet.
    ///
    /// `@unchecked Sendable`: carried onto the broker's queue, and its broker state touched only there.
    struct Commit: @unchecked Sendable {
        var steps: [CommitStep]
        /// The first step not stored yet.
        var next = 0
        var topic: MemoryTopic
        var group: MemoryGroup
        var member: MemoryMember
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
            self.steps = steps
            self.topic = topic
            self.group = group
            self.member = member
            self.queue = queue
            self.completion = completion
        }
    }

    func commit(_ commit: Commit) {
        dispatchPrecondition(condition: .onQueue(queue))
        let unknown = commit.steps.lazy.flatMap(\.batches).first { self.topics[$0.topic] == nil }
        if let unknown {
            let (completion, all) = (commit.completion, 0..<commit.steps.count)
            scheduler.execute(on: commit.queue) { completion(all, .failure(.unknownTopic(unknown.topic))) }
            return
        }
        var pending = commit
        if !store(&pending) { waitingCommits.append(pending) }
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
            while index < waitingCommits.count {
                var commit = waitingCommits[index]
                if store(&commit) {
                    waitingCommits.remove(at: index)
                } else {
                    waitingCommits[index] = commit
                    index += 1
                }
            }
        } while retryCommitsAgain
        retryingCommits = false
    }

    /// Stores the steps of `commit` that fit, in order, and applies their acks; true once every step is stored.
    private func store(_ commit: inout Commit) -> Bool {
        let first = commit.next
        var touched: [MemoryTopic] = []
        while commit.next < commit.steps.count, let oversized = admits(commit.steps[commit.next]) {
            for batch in commit.steps[commit.next].batches {
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
        applyAcks(commit.steps[done].map(\.ack), topic: commit.topic, group: commit.group, member: commit.member)
        let completion = commit.completion
        if journal == nil {
            scheduler.execute(on: commit.queue) { completion(done, .success(())) }
        } else {
            let queue = commit.queue
            journal?.afterCommit { error in
                self.scheduler.execute(on: queue) { completion(done, error.map { .failure($0) } ?? .success(())) }
            }
        }
        return commit.next == commit.steps.count
    }

    /// Whether `step`'s records can all be stored now, none behind a waiting publish: nil if not, false when
    /// they fit, true when they fit only past capacity because a partition they need is empty but too small.
    private func admits(_ step: CommitStep) -> Bool? {
        var oversized = false
        for batch in step.batches where !batch.pastCapacity {
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
