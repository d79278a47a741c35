import CoreMetrics
import Dispatch
import FlowCore
import Foundation
import Logging
import Tracing

/// Runs one consumer member: takes records from the broker, runs the handler under the delivery policy, and
/// commits, retries, dead-letters or counts each record.
///
/// Invariants (the delivery contract, see docs/delivery.md):
/// - every piece of mutable state is owned by the serial `queue` (checked with `dispatchPrecondition`);
/// - records with the same key run one at a time in offset order; while one is running, waiting for a
///   retry or for its publishes, later records of that key wait, and only those; records without a key
///   are independent;
/// - at most `concurrency` handler attempts run at once;
/// - a record is acked only after it succeeded (and its emitted events are stored), was filtered or
///   dropped, was dead-lettered (envelope stored), or was counted as exhausted;
/// - while the circuit breaker is open no attempt starts; half-open lets exactly one probe start.
///
/// `@unchecked Sendable`: all mutable state is confined to `queue`.
public final class ConsumerRunner: DeliverySink, @unchecked Sendable {
    let configuration: ConsumerConfiguration
    let broker: any Broker
    let scheduler: any FlowScheduler
    let handler: any EventHandler
    let decider: DeliveryDecider
    let queue: DispatchQueue
    let queueKey = DispatchSpecificKey<Bool>()
    var logger: Logger

    var subscription: (any BrokerSubscription)?
    var random: SeededRandom
    var breaker: CircuitBreaker?
    var breakerWake: ScheduledWork?

    /// Records that may start (their key is free), in arrival order.
    var ready = RingBuffer<Job>()
    /// Retries whose delay has passed; they start before new records.
    var retryReady = RingBuffer<Job>()
    /// Per key with a record in progress: the later records of that key, in offset order.
    var lanes: [String: RingBuffer<Job>] = [:]
    /// Handler completions received while pumping, settled by the pump loop.
    var completed = RingBuffer<(job: Job, result: HandlerResult)>()
    var pumping = false
    var running = 0
    /// Jobs started and not yet committed (running, waiting for a retry, or publishing).
    var active = 0

    /// Running attempts in start order with their attempt number; all share one timeout, so deadlines
    /// are in the same order and one timer for the head is enough.
    var timeouts = RingBuffer<(job: Job, attempt: Int)>()
    var timeoutTimer: ScheduledWork?

    /// Jobs whose records wait for this pass's commit, and their steps, in the same order.
    var outbox: [Job] = []
    var outboxSteps: [CommitStep] = []
    var pendingAcks: [RecordPosition] = []

    var counters = ConsumerStats()
    /// The counters' metrics, nil when metrics are off (then recording costs nothing).
    let meters: ConsumerMeters?
    /// The run's tracer, nil when tracing is off.
    let tracing: EventTracer?
    var latency = LatencyHistogram()

    var drainCompletions: [@Sendable (DrainOutcome) -> Void] = []
    var graceTimer: ScheduledWork?
    var isDraining = false
    var isStopped = false

    /// A runner that does nothing until `start()`; with `metrics` it records its counters there too; with
    /// `tracer` each attempt is a `process` span.
    public init(
        configuration: ConsumerConfiguration,
        broker: any Broker,
        scheduler: any FlowScheduler,
        logger: Logger,
        random: SeededRandom,
        handler: any EventHandler,
        metrics: (any MetricsFactory)? = nil,
        tracer: (any Tracer)? = nil
    ) {
        tracing = tracer.map(EventTracer.init(tracer:))
        self.configuration = configuration
        self.broker = broker
        self.scheduler = scheduler
        self.handler = handler
        self.random = random
        decider = DeliveryDecider(retry: configuration.retry, hasDeadLetter: configuration.deadLetter != nil)
        breaker = configuration.circuitBreaker.map(CircuitBreaker.init(policy:))
        meters = metrics.map { factory in
            ConsumerMeters(
                factory: factory,
                consumer: configuration.name,
                group: configuration.group,
                topic: configuration.topic,
                deadLetter: configuration.deadLetter
            )
        }
        queue = DispatchQueue(label: "flow.consumer.\(configuration.name).\(configuration.member)")
        queue.setSpecific(key: queueKey, value: true)
        var logger = logger
        logger[metadataKey: "flow.consumer"] = "\(configuration.name)"
        logger[metadataKey: "flow.group"] = "\(configuration.group)"
        logger[metadataKey: "flow.topic"] = "\(configuration.topic)"
        self.logger = logger
    }

    /// Joins the consumer group; records start flowing right after (a runner drained meanwhile leaves it again
    /// at once).
    public func start() async throws(BrokerError) {
        let request = SubscriptionRequest(
            topic: configuration.topic,
            group: configuration.group,
            member: configuration.member,
            window: configuration.window,
            queue: queue
        )
        let subscription = try await broker.subscribe(request, sink: self)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            scheduler.execute(on: queue) {
                // Drained while joining: nothing will ever ack what the member gets, so it leaves at once.
                guard !self.isStopped else {
                    subscription.close {}
                    return continuation.resume()
                }
                self.subscription = subscription
                self.flushOutbox()
                self.flushAcks()
                // Records that came before the subscription did wait for it: now they may start.
                self.pump()
                continuation.resume()
            }
        }
    }

    /// The counters now. Blocks until the runner's queue is free; never call it from that queue.
    public var stats: ConsumerStats {
        dispatchPrecondition(condition: .notOnQueue(queue))
        return queue.sync {
            var snapshot = counters
            snapshot.inFlight = running
            snapshot.p50 = latency.value(atPercentile: 50)
            snapshot.p99 = latency.value(atPercentile: 99)
            return snapshot
        }
    }

    /// Takes records pushed by the broker (on the runner's queue); ignored once draining.
    public func receive(_ records: [BrokerRecord]) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !isDraining, !isStopped else { return }
        counters.received += records.count
        for record in records {
            let job = Job(runner: self, record: record)
            if let key = record.key {
                if let lane = lanes.index(forKey: key) {
                    lanes.values[lane].append(job)
                    continue
                }
                lanes[key] = RingBuffer()
            }
            admit(job)
        }
        pump()
    }

    /// A handler's result, on the queue; ignored unless the attempt is still running.
    func finish(_ job: Job, _ result: HandlerResult) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard job.state == .running, !isStopped else { return }
        completed.append((job, result))
        pump()
    }
}
