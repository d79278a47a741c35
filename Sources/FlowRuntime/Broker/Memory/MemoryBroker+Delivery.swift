import Dispatch

extension MemoryBroker {
    /// Pushes records to every member of every group of `topic` that has credit.
    func deliver(_ topic: MemoryTopic) {
        dispatchPrecondition(condition: .onQueue(queue))
        for group in topic.groups {
            for member in group.members { deliver(to: member, of: group, in: topic) }
        }
    }

    /// Sends `member` one batch of up to its free credit, taken round-robin from its partitions in offset
    /// order, skipping offsets already acked (after a rebalance).
    func deliver(to member: MemoryMember, of group: MemoryGroup, in topic: MemoryTopic) {
        dispatchPrecondition(condition: .onQueue(queue))
        var credit = member.window - member.unacked
        let owned = member.partitions.count
        guard credit > 0, owned > 0, !member.isClosed else { return }
        var batch: [BrokerRecord] = []
        var idlePartitions = 0
        while credit > 0, idlePartitions < owned {
            let p = member.partitions[member.cursor % owned]
            member.cursor &+= 1
            let share = max(1, credit / owned)
            let taken = take(upTo: share, cursor: &group.cursors[p], from: topic.partitions[p], into: &batch)
            credit -= taken
            idlePartitions = taken == 0 ? idlePartitions + 1 : 0
        }
        guard !batch.isEmpty else { return }
        member.unacked += batch.count
        let sink = member.sink
        scheduler.execute(on: member.queue) { [batch] in sink.receive(batch) }
    }

    private func take(
        upTo limit: Int,
        cursor: inout MemoryGroup.Cursor,
        from partition: MemoryPartition,
        into batch: inout [BrokerRecord]
    ) -> Int {
        let end = partition.durable
        var taken = 0
        if cursor.next < cursor.committed { cursor.next = cursor.committed }
        while taken < limit, cursor.next < end {
            let index = Int(cursor.next - cursor.committed)
            if index == cursor.acked.count {
                cursor.acked.append(false)
            } else if cursor.acked[index] {
                cursor.next += 1
                continue
            }
            if batch.isEmpty { batch.reserveCapacity(limit) }
            var record = partition.record(at: cursor.next)
            record.retry = cursor.retries[cursor.next]
            if !cursor.takenOver.isEmpty, let begun = cursor.takenOver[cursor.next] {
                record.abandoned = AbandonedAttempts(count: begun, limit: abandonLimit)
            }
            batch.append(record)
            cursor.next += 1
            taken += 1
        }
        return taken
    }
}
