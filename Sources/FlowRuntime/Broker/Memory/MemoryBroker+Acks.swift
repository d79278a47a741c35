import Dispatch

extension MemoryBroker {
    /// Applies one member's ack batch: advances watermarks, frees room, resumes waiting publishes and pushes
    /// more records. Acks for offsets already committed or never delivered are ignored.
    func applyAcks(_ positions: [RecordPosition], topic: MemoryTopic, group: MemoryGroup, member: MemoryMember) {
        dispatchPrecondition(condition: .onQueue(queue))
        member.unacked = max(0, member.unacked - positions.count)
        var committed: [Int: Int64] = [:]
        for position in positions {
            let p = position.partition
            guard p >= 0, p < group.cursors.count else { continue }
            let index = Int(position.offset - group.cursors[p].committed)
            guard index >= 0, index < group.cursors[p].acked.count else { continue }
            group.cursors[p].acked[index] = true
            if !group.cursors[p].retries.isEmpty { group.cursors[p].retries[position.offset] = nil }
            if !group.cursors[p].takenOver.isEmpty { group.cursors[p].takenOver[position.offset] = nil }
            guard index == 0 else { continue }
            while group.cursors[p].acked.first == true {
                _ = group.cursors[p].acked.popFirst()
                group.cursors[p].committed += 1
            }
            committed[p] = group.cursors[p].committed
        }
        journal?.acked(positions, of: topic.spec.name, group: group.name, committed: committed)
        if !committed.isEmpty {
            trim(topic)
            storeWaiting(in: topic)
            storeWaitingCommits()
        }
        deliver(topic)
    }

    /// Keeps `state` for `position` until the group acks it; ignored once acked or below the watermark.
    func applyRetry(_ position: RecordPosition, _ state: RetryState, topic: MemoryTopic, group: MemoryGroup) {
        dispatchPrecondition(condition: .onQueue(queue))
        let p = position.partition
        guard p >= 0, p < group.cursors.count else { return }
        let index = Int(position.offset - group.cursors[p].committed)
        guard index >= 0, index < group.cursors[p].acked.count, !group.cursors[p].acked[index] else { return }
        group.cursors[p].retries[position.offset] = state
        // The attempt concluded: its marks go (the journal drops them with the state).
        if group.cursors[p].takenOver[position.offset] != nil { group.cursors[p].takenOver[position.offset] = 0 }
        journal?.retrying(position, of: topic.spec.name, group: group.name, state)
    }

    /// Drops every partition's records that all groups have acked, and journals what went.
    func trim(_ topic: MemoryTopic) {
        dispatchPrecondition(condition: .onQueue(queue))
        for p in topic.partitions.indices where topic.trim(p) {
            journal?.dropped(in: topic.spec.name, partition: p, below: topic.partitions[p].base, evicted: 0)
        }
    }
}
