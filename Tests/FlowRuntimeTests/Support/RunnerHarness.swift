import FlowCore
import Synchronization

@testable import FlowRuntime

/// A memory broker, a manual clock, captured logs and one started `ConsumerRunner` reading topic `orders`
/// as group `g`, with dead-letter topic `orders.dlq` (no group, so its records stay for inspection).
struct RunnerHarness {
    let scheduler = ManualScheduler()
    let broker: MemoryBroker
    let logs = LogCapture()
    let handler: ScriptedHandler
    let runner: ConsumerRunner
    let configuration: ConsumerConfiguration

    static func make(
        _ configuration: ConsumerConfiguration = ConsumerConfiguration(name: "c", topic: "orders", group: "g"),
        partitions: Int = 1,
        topics: [TopicSpec] = [],
        script: @escaping @Sendable (HandlerInput) -> ScriptedHandler.Reply = { _ in .result(.success()) }
    ) async throws -> RunnerHarness {
        let harness = RunnerHarness(configuration: configuration, script: script)
        try await harness.broker.declare(TopicSpec(name: "orders", partitions: partitions))
        try await harness.broker.declare(TopicSpec(name: "orders.dlq"))
        for topic in topics { try await harness.broker.declare(topic) }
        try await harness.broker.declareGroup(configuration.group, on: "orders")
        try await harness.runner.start()
        harness.scheduler.settle()
        return harness
    }

    private init(
        configuration: ConsumerConfiguration,
        script: @escaping @Sendable (HandlerInput) -> ScriptedHandler.Reply
    ) {
        self.configuration = configuration
        broker = MemoryBroker(scheduler: scheduler)
        handler = ScriptedHandler(scheduler: scheduler, script: script)
        runner = ConsumerRunner(
            configuration: configuration,
            broker: broker,
            scheduler: scheduler,
            logger: logs.logger(),
            random: SeededRandom(seed: 42),
            handler: handler
        )
    }

    /// Publishes one record per key (ids `e0`, `e1`, … unless `prefix` says otherwise) and lets it flow.
    func publish(keys: [String?], prefix: String = "e") {
        broker.publish(records(prefix, keys: keys), to: "orders")
        scheduler.settle()
    }

    func publish(_ events: [CloudEvent], key: String? = nil) {
        broker.publish(events.map { OutgoingRecord(key: key, event: $0) }, to: "orders")
        scheduler.settle()
    }

    func advance(by duration: Duration) {
        scheduler.advance(by: duration)
    }

    /// Completes a held attempt from the test thread, then waits for the runner to take it.
    func complete(_ id: String, attempt: Int = 1, with result: HandlerResult = .success()) {
        handler.complete(id, attempt: attempt, with: result)
        scheduler.settle()
    }

    var stats: ConsumerStats { runner.stats }

    /// The group's committed watermark on each partition of `orders`.
    func committed() async throws -> [Int64] {
        try await broker.stats(of: "orders").committed[configuration.group] ?? []
    }

    func deadLetters() async throws -> [BrokerRecord] {
        try await broker.records(of: "orders.dlq")
    }
}
