import Dispatch
import FlowCore
import FlowYAML
import Synchronization
import Testing

@testable import FlowRuntime

/// A `StepHandler` for consumer `c` reading `orders`, loaded from YAML by the real loader (so the YAML forms
/// are what is tested), with a manual clock and captured logs.
struct StepHarness {
    /// Topics every harness declares: `payments` is keyed by `data.customer` over 4 partitions.
    static let topics = """
        orders: {}
        payments: { partitions: 4, key: data.customer }
        audit: {}
        """

    let scheduler = ManualScheduler()
    let logs = LogCapture()
    let pipeline: Pipeline
    let handler: StepHandler

    /// `consumer` is the YAML body of consumer `c` without `from`, e.g. `"steps:\n  - drop"`.
    init(
        _ consumer: String,
        topics: String = StepHarness.topics,
        seed: UInt64 = 7,
        environment: [String: String] = [:]
    ) throws {
        pipeline = try Self.load(consumer: consumer, topics: topics, environment: environment)
        let consumer = try #require(pipeline.consumers.first)
        handler = StepHandler(
            consumer: consumer,
            topicKeys: TopicKeys(pipeline.topics),
            scheduler: scheduler,
            logger: logs.logger(),
            seed: seed
        )
    }

    /// The pipeline with `topics` and consumer `c`; fails the test with the loader's diagnostics.
    static func load(consumer: String, topics: String, environment: [String: String] = [:]) throws -> Pipeline {
        let text = """
            version: 1
            name: steps
            topics:
            \(indent(topics, by: 2))
            consumers:
              c:
                from: orders
            \(indent(consumer, by: 4))
            """
        let result = PipelineLoader(options: LoaderOptions(environment: environment)).load(
            text: text,
            file: "steps.yml"
        )
        let errors = result.diagnostics.filter { $0.severity == .error }.map(\.description)
        return try #require(result.pipeline, "\(errors.joined(separator: "\n"))\n\(text)")
    }

    private static func indent(_ text: String, by width: Int) -> String {
        let pad = String(repeating: " ", count: width)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { pad + $0 }.joined(separator: "\n")
    }

    /// Handles `event` and returns the result, which must arrive synchronously.
    func run(_ event: CloudEvent, attempt: Int = 1, offset: Int64 = 0) throws -> HandlerResult {
        let outcome = start(event, attempt: attempt, offset: offset)
        return try #require(outcome.result, "the handler did not complete synchronously")
    }

    /// Starts handling `event`; the result arrives in the returned box, maybe later.
    func start(_ event: CloudEvent, attempt: Int = 1, offset: Int64 = 0) -> StepOutcome {
        let outcome = StepOutcome()
        let input = HandlerInput(
            event: event,
            attempt: attempt,
            key: nil,
            topic: "orders",
            position: RecordPosition(partition: 0, offset: offset)
        )
        handler.handle(input) { outcome($0) }
        return outcome
    }
}

/// Where a handler's completion lands; counts completions so a second one is caught.
final class StepOutcome: Sendable {
    private let state = Mutex<(result: HandlerResult?, calls: Int)>((nil, 0))
    private let done = DispatchSemaphore(value: 0)

    func callAsFunction(_ result: HandlerResult) {
        state.withLock {
            $0.result = result
            $0.calls += 1
        }
        done.signal()
    }

    /// The result so far, nil while the handler has not completed.
    var result: HandlerResult? { state.withLock { $0.result } }

    /// How many times the completion was called (the contract is exactly once).
    var calls: Int { state.withLock { $0.calls } }

    /// Waits (really: a process is running) up to `seconds` for the result; nil when none came in time.
    func wait(seconds: Double = 10) -> HandlerResult? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        done.signal()
        return result
    }
}

/// An order event as the tests use it.
func order(
    _ id: String = "e1",
    type: String = "OrderCreated",
    data: Value = ["n": 2, "customer": "c7"]
)
    -> CloudEvent
{
    CloudEvent(id: id, source: "tests", type: type, subject: "orders/\(id)", data: data, extensions: ["tenant": "t1"])
}

extension HandlerResult {
    /// The emitted events of a success, else nil.
    var emitted: [EmittedEvent]? {
        if case .success(let emitted) = self { return emitted }
        return nil
    }

    /// The message and permanence of a failure, else nil.
    var failure: (message: String, permanent: Bool)? {
        if case .failure(let message, let permanent, _) = self { return (message, permanent) }
        return nil
    }

    var isFiltered: Bool {
        if case .filtered = self { return true }
        return false
    }

    var isDropped: Bool {
        if case .dropped = self { return true }
        return false
    }
}

/// Consumer `c` of a pipeline under a real `ConsumerRunner` on a memory broker and a manual clock, started and
/// settled: for step tests that need retries, dead letters and publishes as the runner does them.
struct RunnerRig {
    let scheduler = ManualScheduler()
    let broker: MemoryBroker
    let handler: StepHandler
    let runner: ConsumerRunner

    /// Declares `pipeline`'s topics and consumer `c`'s group, then starts the consumer with `handlerSeed`.
    static func start(_ pipeline: Pipeline, handlerSeed: UInt64) async throws -> RunnerRig {
        try await RunnerRig(pipeline, handlerSeed: handlerSeed)
    }

    private init(_ pipeline: Pipeline, handlerSeed: UInt64) async throws {
        let consumer = try #require(pipeline.consumers.first)
        broker = MemoryBroker(scheduler: scheduler)
        for topic in pipeline.topics { try await broker.declare(TopicSpec(topic)) }
        try await broker.declareGroup(consumer.group, on: consumer.from)
        let logs = LogCapture()
        handler = StepHandler(
            consumer: consumer,
            topicKeys: TopicKeys(pipeline.topics),
            scheduler: scheduler,
            logger: logs.logger(),
            seed: handlerSeed
        )
        runner = ConsumerRunner(
            configuration: ConsumerConfiguration(consumer),
            broker: broker,
            scheduler: scheduler,
            logger: logs.logger(),
            random: SeededRandom(seed: 1),
            handler: handler
        )
        try await runner.start()
        scheduler.settle()
    }
}
