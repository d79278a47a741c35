import Dispatch
import FlowRuntime

/// A `MemoryBroker` that calls itself durable, so that producers keep checkpoints on it: their resume logic
/// tested on a manual clock, without a store (the SQLite side has its own suite).
final class DurableMemoryBroker: Broker {
    let base: MemoryBroker

    init(_ base: MemoryBroker) { self.base = base }

    var isDurable: Bool { true }

    func declare(_ topic: TopicSpec) async throws(BrokerError) { try await base.declare(topic) }

    func declareGroup(_ group: String, on topic: String) async throws(BrokerError) {
        try await base.declareGroup(group, on: topic)
    }

    func publish(
        _ records: [OutgoingRecord],
        to topic: String,
        pastCapacity: Bool,
        queue: DispatchQueue,
        completion: @escaping @Sendable (Result<Void, BrokerError>) -> Void
    ) {
        base.publish(records, to: topic, pastCapacity: pastCapacity, queue: queue, completion: completion)
    }

    func offer(
        _ records: [OutgoingRecord],
        to topic: String,
        queue: DispatchQueue,
        completion: @escaping @Sendable (Result<[Bool], BrokerError>) -> Void
    ) {
        base.offer(records, to: topic, queue: queue, completion: completion)
    }

    func publish(
        _ steps: [ProducerStep],
        from producer: String,
        queue: DispatchQueue,
        completion: @escaping @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
    ) {
        base.publish(steps, from: producer, queue: queue, completion: completion)
    }

    func checkpoint(of producer: String) async throws(BrokerError) -> ProducerCheckpoint? {
        try await base.checkpoint(of: producer)
    }

    func subscribe(
        _ request: SubscriptionRequest,
        sink: any DeliverySink
    ) async throws(BrokerError) -> any BrokerSubscription {
        try await base.subscribe(request, sink: sink)
    }

    func stats(of topic: String) async throws(BrokerError) -> TopicStats { try await base.stats(of: topic) }
}
