import FlowCore
import FlowRuntime
import Logging

/// One broker topic (memory unless `backend` says otherwise) read by one `ConsumerRunner`: the harness of the
/// `one-to-one`, `partitions`, `backlog` and `durable` scenarios. Time runs from the first publish to the moment the group has committed every event.
struct BrokerBench {
    static let topic = "bench"
    static let group = "sink"

    var partitions = 1
    var concurrency = 1
    var capacity = Pipeline.Topic.defaultCapacity
    var batchSize = 256
    var maxInFlight = 4
    var window = ConsumerConfiguration.defaultWindow
    var backend = BrokerURL.memory

    /// Publishes `count` events, batch `i` built by `make(i)` (records `i * batchSize ..< (i + 1) * batchSize`),
    /// and returns once all are committed.
    func run(count: Int, make: @escaping @Sendable (Int) -> [OutgoingRecord]) async throws -> Measurement {
        let scheduler = DispatchScheduler()
        let broker = try await BenchBroker.open(backend, scheduler: scheduler)
        try await broker.declare(TopicSpec(name: Self.topic, partitions: partitions, capacity: capacity))
        try await broker.declareGroup(Self.group, on: Self.topic)
        let handler = CountingHandler(target: count)
        let runner = ConsumerRunner(
            configuration: ConsumerConfiguration(
                name: Self.group,
                topic: Self.topic,
                concurrency: concurrency,
                window: window
            ),
            broker: broker,
            scheduler: scheduler,
            logger: Self.quietLogger,
            random: SeededRandom(seed: 1),
            handler: handler
        )
        try await runner.start()
        let publisher = BatchPublisher(
            broker: broker,
            topic: Self.topic,
            batches: (count + batchSize - 1) / batchSize,
            maxInFlight: maxInFlight,
            make: make
        )
        let start = ContinuousClock.now
        publisher.start()
        await handler.finished.wait()
        await Self.waitUntilCommitted(count, on: broker)
        let elapsed = ContinuousClock.now - start
        await publisher.finished.wait()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            runner.drain(grace: .seconds(5)) { _ in continuation.resume() }
        }
        let stats = runner.stats
        precondition(stats.processed == count, "flow-bench: processed \(stats.processed) of \(count)")
        return Measurement(name: "flow", events: count, seconds: elapsed.seconds)
    }

    /// A logger that shows warnings and worse only, like `flow run` at its default level hides debug lines.
    static var quietLogger: Logger {
        var logger = Logger(label: "flow-bench")
        logger.logLevel = .warning
        return logger
    }

    /// Returns once the group has committed `count` records over all partitions (checked every 100 µs).
    static func waitUntilCommitted(_ count: Int, on broker: any Broker) async {
        while true {
            if let stats = try? await broker.stats(of: topic), let offsets = stats.committed[group],
                offsets.reduce(0, +) >= Int64(count)
            {
                return
            }
            try? await Task.sleep(for: .microseconds(100))
        }
    }

    /// `events` split into batches of `size`, built up front.
    static func prebuilt(_ events: Int, size: Int, make: (Int) -> OutgoingRecord) -> [[OutgoingRecord]] {
        stride(from: 0, to: events, by: size).map { first in
            (first..<min(events, first + size)).map(make)
        }
    }

    /// The two backend scenarios, their events built up front: one-to-one (keyless, one partition) and
    /// 4 partitions × concurrency 4 (64 keys).
    static func scenarios(
        count: Int,
        batch: Int
    ) -> [(title: String, partitions: Int, batches: [[OutgoingRecord]])] {
        let names = (0..<64).map { "key-\($0)" }
        let single = prebuilt(count, size: batch) { OutgoingRecord(event: smallEvent($0)) }
        let keyed = prebuilt(count, size: batch) {
            OutgoingRecord(key: names[$0 % names.count], event: smallEvent($0))
        }
        return [("one-to-one", 1, single), ("4 partitions × concurrency 4", 4, keyed)]
    }

    /// A small event (short inline strings, an int payload) numbered `index`.
    static func smallEvent(_ index: Int) -> CloudEvent {
        CloudEvent(id: "e\(index)", source: "flow-bench", type: "Tick", data: .int(index))
    }
}
