import Dispatch

/// Records a restored group hands out again (`MemoryGroup.Cursor.takenOver`): their begun marks, journaled
/// so that a durable backend counts the attempts a crash cut off.
extension MemoryBroker {
    /// Marks one more attempt of a taken-over record begun, then runs `start` on `startQueue` once the mark is
    /// durable (at once for a record no longer taken over: acked, or never handed out as such).
    func begin(
        _ position: RecordPosition,
        topic: MemoryTopic,
        group: MemoryGroup,
        queue startQueue: DispatchQueue,
        then start: @escaping @Sendable () -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        let p = position.partition
        guard p >= 0, p < group.cursors.count, let begun = group.cursors[p].takenOver[position.offset],
            let journal
        else { return scheduler.execute(on: startQueue, start) }
        group.cursors[p].takenOver[position.offset] = begun + 1
        journal.began(position, of: topic.spec.name, group: group.name, count: begun + 1)
        journal.afterCommit { _ in self.scheduler.execute(on: startQueue, start) }
    }

    /// Journals every taken-over record still unmarked with no marks (a count of 0) and returns once that is
    /// durable, so the next run takes them over too even though this one ends cleanly: one it never started
    /// (waiting behind its key, or its consumer not run here) may still be the one a crash cut off.
    public func keepTakenOver() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            scheduler.execute(on: queue) {
                guard let journal = self.journal else { return continuation.resume() }
                for topic in self.topics.values {
                    for group in topic.groups {
                        for (p, cursor) in group.cursors.enumerated() {
                            for (offset, count) in cursor.takenOver where count == 0 {
                                let position = RecordPosition(partition: p, offset: offset)
                                journal.began(position, of: topic.spec.name, group: group.name, count: 0)
                            }
                        }
                    }
                }
                journal.afterCommit { _ in continuation.resume() }
            }
        }
    }
}
