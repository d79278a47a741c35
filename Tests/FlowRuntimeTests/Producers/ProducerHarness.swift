import Dispatch
import FlowCore
import Foundation
import Synchronization
import Testing

@testable import FlowRuntime

/// A memory broker, a manual clock and captured logs for running one `ProducerRunner` at a time.
struct ProducerHarness {
    let scheduler = ManualScheduler()
    let broker: MemoryBroker
    let logs = LogCapture()
    let outcomes = OutcomeProbe()
    /// What runners publish to: `broker`, or a view of it that calls itself durable.
    let target: any Broker

    /// With `durable`, producers see a durable broker and keep checkpoints.
    init(durable: Bool = false) {
        broker = MemoryBroker(scheduler: scheduler)
        target = durable ? DurableMemoryBroker(broker) : broker
    }

    /// Declares every topic; `keys` gives a topic's key expression (partition-key scope).
    func declare(_ topics: [TopicSpec], keys: [String: String] = [:]) async throws -> TopicKeys {
        for topic in topics { try await broker.declare(topic) }
        return TopicKeys(
            try topics.map { spec in
                Pipeline.Topic(
                    name: spec.name,
                    partitions: spec.partitions,
                    key: try keys[spec.name].map { try FlowCore.Expression.parse($0, scope: .partitionKey) },
                    capacity: spec.capacity,
                    location: location
                )
            }
        )
    }

    /// A started runner for `producer`.
    func start(
        _ producer: Pipeline.Producer,
        keys: TopicKeys,
        seed: UInt64 = 7,
        input: FileHandle? = nil,
        resume: ProducerCheckpoint? = nil,
        outcomes: OutcomeProbe? = nil
    ) -> ProducerRunner {
        let runner = ProducerRunner(
            producer: producer,
            topicKeys: keys,
            broker: target,
            scheduler: scheduler,
            logger: logs.logger(),
            seed: seed,
            input: input,
            resume: resume
        )
        let probe = outcomes ?? self.outcomes
        runner.start { outcome in probe.record(outcome) }
        return runner
    }

    /// Waits (at most 10 s, for real file reads) until the runner reported its outcome, then for quiescence.
    func outcome() throws -> ProducerOutcome {
        let reported = outcomes.wait(timeout: .now() + 10)
        scheduler.settle()
        return try #require(reported)
    }

    /// The events stored in `topic`, by partition then offset.
    func events(of topic: String) async throws -> [CloudEvent] {
        try await broker.records(of: topic).map(\.event)
    }
}

/// The source location test producers and topics claim.
let location = SourceLocation(file: "test.yml", line: 1, column: 1)

/// A generating producer named `ticks` writing to `ticks`.
func generator(
    count: Int?,
    rate: Rate? = nil,
    type: String = "Tick",
    data: Pipeline.ValueTemplate = .object(["n": .template(template("${seq()}"))]),
    extensions: [String: Template] = [:],
    deadLetter: String? = nil
) -> Pipeline.Producer {
    let event = Pipeline.EventTemplate(type: template(type), data: data, extensions: extensions)
    return Pipeline.Producer(
        name: "ticks",
        to: "ticks",
        source: .generate(Pipeline.Producer.Generate(count: count, rate: rate, event: event)),
        deadLetter: deadLetter,
        location: location
    )
}

/// A producer template (producer scope); traps on a bad template, which is a bug in the test.
func template(_ text: String) -> Template {
    try! Template.parse(text, scope: .producer)
}

/// Collects the outcomes a runner reports and lets the test wait for the first.
final class OutcomeProbe: Sendable {
    private let reported = Mutex<[ProducerOutcome]>([])
    private let signal = DispatchSemaphore(value: 0)

    func record(_ outcome: ProducerOutcome) {
        reported.withLock { $0.append(outcome) }
        signal.signal()
    }

    /// Every outcome reported so far.
    var all: [ProducerOutcome] { reported.withLock { $0 } }

    /// The first outcome, once reported before `timeout`; nil when none came in time.
    func wait(timeout: DispatchTime) -> ProducerOutcome? {
        if all.isEmpty, signal.wait(timeout: timeout) == .timedOut { return nil }
        return all.first
    }
}

/// A temporary file holding `text`, removed by the caller through `remove()`.
struct TemporaryFile {
    let path: String

    init(_ text: String) throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("flow-producer-\(UUID().uuidString).jsonl").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
