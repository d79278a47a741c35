/// A broker that can list what a topic still holds (a dead-letter topic, a backlog): for `--dead-letters`,
/// `flow dlq` and tests. Redis and other remote backends may not offer it.
public protocol TopicListing: Broker {
    /// The records `topic` still holds, by partition then offset.
    func records(of topic: String) async throws(BrokerError) -> [BrokerRecord]
}

extension MemoryBroker: TopicListing {}
