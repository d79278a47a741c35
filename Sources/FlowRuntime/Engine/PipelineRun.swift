import Dispatch
import FlowCore
import Foundation
import Logging
import Synchronization

/// One run of a pipeline: declares its topics and groups on a broker, starts a `ConsumerRunner` per consumer
/// (with its `StepHandler`) and a `ProducerRunner` per producer, and shuts them down in order.
///
/// Invariants:
/// - consumers join their groups before any producer starts, so every group sees every event; every group of
///   the pipeline is declared, also those of consumers another process runs (`RunOptions.parts`);
/// - shutdown stops producers and waits for them to end (their last publishes stored, an ingest server's
///   last requests answered; at most the grace period), then drains every consumer at once within the grace
///   period, so nothing that was started is abandoned silently (unfinished work is counted in the summary)
///   and the summary is final;
/// - mutable state is owned by `queue`.
///
/// `@unchecked Sendable`: mutable state (producer outcomes, drain results) is confined to `queue`.
public final class PipelineRun: @unchecked Sendable {
    public let pipeline: Pipeline
    public let broker: any Broker
    let options: RunOptions
    let queue = DispatchQueue(label: "flow.run")
    let topicKeys: TopicKeys
    let logger: Logger
    /// The connection pool every `http` step of the run shares; shut down after the consumers drained.
    let httpClient = HTTPStepClient()

    private(set) var consumers: [(spec: Pipeline.Consumer, runner: ConsumerRunner, handler: StepHandler)] = []
    private(set) var producers: [(spec: Pipeline.Producer, runner: ProducerRunner)] = []
    var outcomes: [String: ProducerOutcome] = [:]
    /// Called once every producer has an outcome (on `queue`).
    private var whenProducersEnd: [@Sendable () -> Void] = []
    var unfinished = 0
    /// Per topic, what a durable broker already held from earlier runs: the summary counts this run's only.
    var publishedBefore: [String: Int] = [:]
    var startedAt: Duration = .zero
    var stoppedAt: Duration?
    /// The lag gauges; nil when metrics are off.
    let lagMeters: LagMeters?

    /// A run on `broker` (a fresh `MemoryBroker` on the options' scheduler when nil).
    public init(pipeline: Pipeline, broker: (any Broker)? = nil, options: RunOptions) {
        self.pipeline = pipeline
        self.options = options
        self.broker = broker ?? MemoryBroker(scheduler: options.scheduler)
        topicKeys = TopicKeys(pipeline.topics)
        lagMeters = options.metrics.map(LagMeters.init(factory:))
        var logger = options.logger
        logger[metadataKey: "flow.pipeline"] = "\(pipeline.name)"
        self.logger = logger
    }

    /// Declares everything, starts the consumers, then the producers.
    public func start() async throws(BrokerError) {
        startedAt = options.scheduler.now
        for topic in pipeline.topics {
            try await broker.declare(TopicSpec(topic))
            publishedBefore[topic.name] = (try? await broker.stats(of: topic.name))?.published ?? 0
        }
        for consumer in pipeline.consumers {
            try await broker.declareGroup(consumer.group, on: consumer.from)
        }
        let feedback = pipeline.feedbackTopics()
        for consumer in pipeline.consumers where options.parts.runs(consumer: consumer.name) {
            let seed = Seeds.derive(options.seed, "consumer/" + consumer.name)
            let handler = StepHandler(
                consumer: consumer,
                topicKeys: topicKeys,
                scheduler: options.scheduler,
                logger: logger,
                seed: seed,
                swiftHandlers: options.swiftHandlers,
                httpClient: httpClient,
                metrics: options.metrics,
                tracer: options.tracer,
                mocks: options.stepMocks.filter { $0.consumer == consumer.name },
                faults: options.faults ? pipeline.faults : nil
            )
            let runner = ConsumerRunner(
                configuration: ConsumerConfiguration(consumer, pastCapacity: feedback[consumer.name] ?? []),
                broker: broker,
                scheduler: options.scheduler,
                logger: logger,
                random: SeededRandom(seed: Seeds.derive(seed, "delivery")),
                handler: handler,
                metrics: options.metrics,
                tracer: options.tracer
            )
            try await runner.start()
            consumers.append((consumer, runner, handler))
        }
        logger.info(
            "pipeline started",
            metadata: [
                "flow.topics": "\(pipeline.topics.count)", "flow.producers": "\(pipeline.producers.count)",
                "flow.consumers": "\(pipeline.consumers.count)", "flow.seed": "\(options.seed)",
            ]
        )
        for producer in pipeline.producers where options.parts.runs(producer: producer.name) {
            if let shared = broker as? any SharedProgress { try await shared.started(producer: producer.name) }
            let resume = broker.isDurable ? try await broker.checkpoint(of: producer.name) : nil
            let runner = ProducerRunner(
                producer: producer,
                topicKeys: topicKeys,
                broker: broker,
                scheduler: options.scheduler,
                logger: logger,
                seed: options.seed,
                input: options.standardInput,
                resume: resume,
                metrics: options.metrics,
                tracer: options.tracer
            )
            producers.append((producer, runner))
        }
        if let lagMeters { startSampling(lagMeters) }
        for (spec, runner) in producers {
            runner.start { outcome in
                let record: @Sendable () -> Void = {
                    self.options.scheduler.execute(on: self.queue) {
                        self.outcomes[spec.name] = outcome
                        self.notifyIfProducersEnded()
                    }
                }
                // Other processes learn of it before this one may end: their --until-idle waits for it.
                guard outcome == .finished, let shared = self.broker as? any SharedProgress else { return record() }
                Task {
                    do throws(BrokerError) {
                        try await shared.finished(producer: spec.name)
                    } catch {
                        self.logger.error(
                            "cannot tell other processes the producer finished",
                            metadata: ["flow.producer": "\(spec.name)", "flow.error": "\(error)"]
                        )
                    }
                    record()
                }
            }
        }
    }

    /// Stops the producers and waits for them to end (at most the grace period); on a non-durable broker lets
    /// the consumers handle what is stored until every group is done (within the same grace period); then
    /// drains every consumer at once (each within the grace period), then closes the exec workers and the `http` steps' connections.
    /// Safe to call once.
    public func shutdown() async {
        let graceEnds = options.scheduler.now + options.grace
        for (_, runner) in producers { runner.stop() }
        await waitForProducers(atMost: options.grace)
        // What a memory broker holds dies with the process: let the consumers handle it in what is left of
        // the same grace.
        if !broker.isDurable { await waitForBacklog(until: graceEnds) }
        let grace = options.grace
        let drains = consumers.map { consumer in consumer.runner }
        let unfinished = await withTaskGroup(of: Int.self) { group in
            for runner in drains {
                group.addTask {
                    let outcome = await withCheckedContinuation {
                        (continuation: CheckedContinuation<DrainOutcome, Never>) in
                        runner.drain(grace: grace) { continuation.resume(returning: $0) }
                    }
                    if case .graceElapsed(let count) = outcome { return count }
                    return 0
                }
            }
            return await group.reduce(0, +)
        }
        for (_, _, handler) in consumers { await handler.close() }
        await httpClient.shutdown()
        await lagMeters?.stop(sampling: self)
        let now = options.scheduler.now
        let total = unfinished
        await onQueue {
            self.unfinished = total
            self.stoppedAt = now
        }
        logger.info("pipeline stopped", metadata: ["flow.unfinished": "\(unfinished)"])
    }

    /// Returns once every group has handled everything stored, or at `deadline` on the scheduler's clock.
    private func waitForBacklog(until deadline: Duration) async {
        while options.scheduler.now < deadline, !(await isIdle()) {
            await sleep(min(options.idleCheckInterval, deadline - options.scheduler.now))
        }
    }

    /// Returns once every producer has ended, or `limit` later on the scheduler's clock (a producer whose
    /// last publish waits for room that never comes must not hold the shutdown beyond the grace period).
    private func waitForProducers(atMost limit: Duration) async {
        let resumed = Mutex(false)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resume: @Sendable () -> Void = {
                let first = resumed.withLock { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume() }
            }
            options.scheduler.execute(on: queue) {
                let timer = self.options.scheduler.schedule(after: limit, on: self.queue, resume)
                self.whenProducersEnd.append {
                    timer.cancel()
                    resume()
                }
                self.notifyIfProducersEnded()
            }
        }
    }

    private func notifyIfProducersEnded() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard outcomes.count == producers.count else { return }
        let waiting = whenProducersEnd
        whenProducersEnd = []
        for body in waiting { body() }
    }

    /// Runs `body` on the run's queue and returns its result.
    func onQueue<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            options.scheduler.execute(on: queue) { continuation.resume(returning: body()) }
        }
    }
}
