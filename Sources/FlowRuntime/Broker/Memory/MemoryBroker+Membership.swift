import Dispatch

extension MemoryBroker {
    /// Adds a member to its group, rebalances the partitions and pushes it its first records.
    func join(_ request: SubscriptionRequest, sink: any DeliverySink) -> Result<any BrokerSubscription, BrokerError> {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let topic = topics[request.topic] else { return .failure(.unknownTopic(request.topic)) }
        guard let group = topic.group(named: request.group) else {
            return .failure(.unknownGroup(group: request.group, topic: request.topic))
        }
        guard !group.members.contains(where: { $0.id == request.member }) else {
            return .failure(.duplicateMember(member: request.member, group: request.group))
        }
        let member = MemoryMember(id: request.member, sink: sink, queue: request.queue, window: request.window)
        group.members.append(member)
        group.rebalance()
        deliver(topic)
        return .success(MemorySubscription(broker: self, topic: topic, group: group, member: member))
    }

    /// Removes a member; its partitions move to the others and are delivered again from the watermark.
    func leave(_ member: MemoryMember, group: MemoryGroup, topic: MemoryTopic) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !member.isClosed else { return }
        member.isClosed = true
        group.members.removeAll { $0 === member }
        group.rebalance()
        deliver(topic)
    }
}
