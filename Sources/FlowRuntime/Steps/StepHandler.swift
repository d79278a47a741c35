import CoreMetrics
import Dispatch
import FlowCore
import Foundation
import Logging
import Tracing

/// Runs a pipeline consumer's `filter` and `steps` for each event (docs/steps.md).
///
/// Concurrency: `handle` runs on the runner's queue and may be called again (for another event) before an
/// earlier call completed. All state of one call lives in a `StepRun` value that travels with it, and the
/// handler's own properties are immutable, so calls never share mutable state. A call with no `delay` or
/// `exec` on its path completes synchronously inside `handle`; otherwise it continues on the handler's serial
/// `queue` (after the delay's timer, or after the process ends), never blocking the runner's queue.
///
/// Randomness: each attempt at each record draws from its own stream, derived from `seed`, the record's
/// position and the attempt number, so `random_*`, `uuid()` and emitted event ids repeat under a seed.
///
/// Failures: expression errors and the other faults a retry cannot fix are permanent; timeouts, signals and
/// non-zero exits not listed in `permanent_exit_codes` are retryable.
public final class StepHandler: EventHandler {
    let name: String
    let program: StepProgram
    let topicKeys: TopicKeys
    let scheduler: any FlowScheduler
    let logger: Logger
    let seed: UInt64
    /// The consumer's per-attempt timeout, enforced here only for `delay` and `exec` (the runner fails the
    /// attempt; the handler stops its work and kills its processes).
    let timeout: Duration?
    /// `flow/<consumer>`: the source of every event the steps emit.
    let source: String
    /// Where invocations continue after a `delay` or an `exec`, and where exec I/O is handled.
    let queue: DispatchQueue
    /// The handlers `swift:` steps call.
    let swiftHandlers: SwiftHandlerRegistry
    /// The worker pool of each `exec` step with `worker: true`, by the step's label (docs/workers.md).
    let workerPools: [String: ExecWorkerPool]
    /// The connection pool of `http` steps (shared by every handler of a run).
    let httpClient: HTTPStepClient
    /// The consumer's timeout whatever the steps are: the default wait of an `http` step without its own.
    let consumerTimeout: Duration?
    /// The steps' metrics, nil when metrics are off.
    let meters: StepMeters?
    /// The run's tracer, nil when tracing is off.
    let tracing: EventTracer?
    /// The scripted outcomes of mocked steps, by instruction index (`flow test`); empty in `flow run`.
    let mocks: [Int: MockScript]
    /// The consumer's declared faults, nil unless the run turns faults on.
    let faultInjector: FaultInjector?

    /// A handler for `consumer`. `topicKeys` gives emitted events their target topic's key; `seed` is the
    /// consumer's seed (`Seeds.derive(runSeed, consumer.name)`); `logger` receives the `log` steps and the
    /// stderr of `exec` steps, with `flow.consumer` added. `httpClient` serves the `http` steps
    /// (`HTTPStepClient.shared` when nil). With `metrics` the steps that wait record their durations there;
    /// with `tracer` each step of a traced attempt gets a span. A step named by one of `mocks` (by its label)
    /// never runs: each call takes the mock's next outcome instead. With `faults` (the run turned them on) the
    /// consumer's declared faults are injected before its steps run.
    public init(
        consumer: Pipeline.Consumer,
        topicKeys: TopicKeys,
        scheduler: any FlowScheduler,
        logger: Logger,
        seed: UInt64,
        swiftHandlers: SwiftHandlerRegistry = SwiftHandlerRegistry(),
        httpClient: HTTPStepClient? = nil,
        metrics: (any MetricsFactory)? = nil,
        tracer: (any Tracer)? = nil,
        mocks: [StepMock] = [],
        faults: [Pipeline.Fault]? = nil
    ) {
        name = consumer.name
        tracing = tracer.map(EventTracer.init(tracer:))
        self.swiftHandlers = swiftHandlers
        program = StepProgram(consumer)
        let mocks = MockScript.scripts(mocks, in: program)
        self.mocks = mocks
        let compiled = program
        faultInjector = faults.map { FaultInjector($0.filter { $0.consumer == consumer.name }, in: compiled) }
        self.topicKeys = topicKeys
        self.scheduler = scheduler
        var logger = logger
        logger[metadataKey: "flow.consumer"] = "\(consumer.name)"
        self.logger = logger
        self.seed = seed
        timeout = program.isAsynchronous ? consumer.timeout : nil
        source = "flow/\(consumer.name)"
        queue = DispatchQueue(label: "flow.steps.\(consumer.name)")
        self.httpClient = httpClient ?? .shared
        consumerTimeout = consumer.timeout
        let program = program
        let meters = metrics.map { StepMeters(factory: $0, consumer: consumer.name, program: program) }
        self.meters = meters
        workerPools = Self.workerPools(
            program,
            size: consumer.concurrency,
            timeout: timeout,
            queue: queue,
            scheduler: scheduler,
            logger: logger,
            restarts: meters?.workerRestarts,
            skipping: Set(mocks.keys)
        )
    }

    /// Workers still running get end of file on stdin (see `close()`).
    deinit {
        for pool in workerPools.values {
            scheduler.execute(on: queue) { pool.close() }
        }
    }

    public func handle(_ delivery: HandlerInput, completion: @escaping @Sendable (HandlerResult) -> Void) {
        var run = StepRun(
            delivery,
            seed: seed,
            now: scheduler.wallClock,
            deadline: timeout.map { scheduler.now + $0 }
        )
        if let tracing, let trace = delivery.trace { run.traceFields = tracing.logFields(of: trace) }
        proceed(run, completion)
    }

    /// Runs instructions until the invocation finishes or suspends.
    func proceed(_ run: consuming StepRun, _ completion: @escaping @Sendable (HandlerResult) -> Void) {
        var run = run
        switch execute(&run) {
        case .finished(let result):
            completion(result)
        case .delay(let duration):
            let (label, started) = (program.labels[run.next - 1], scheduler.now)
            scheduler.schedule(after: duration, on: queue) { [self, run] in
                stepEnded(run, label: label, since: started)
                guard let run = resumable(run, completion) else { return }
                proceed(run, completion)
            }
        case .exec(let command, let label):
            scheduler.execute(on: queue) { [self, run] in
                guard let run = resumable(run, completion) else { return }
                launch(command, label: label, run, completion)
            }
        case .swift(let handler, let label):
            call(handler, label: label, run, completion)
        case .http(let request, let timeout, let label):
            send(request, timeout: timeout, label: label, run, completion)
        }
    }

    /// `run` with its clock refreshed, or nil (after completing with a timeout failure) when its attempt's
    /// deadline has passed: the runner has given up on it, so no later step may run.
    func resumable(_ run: StepRun, _ completion: @Sendable (HandlerResult) -> Void) -> StepRun? {
        if let deadline = run.deadline, let timeout, scheduler.now >= deadline {
            completion(.failure(message: "attempt timed out after \(DurationText.format(timeout))", permanent: false))
            return nil
        }
        var run = run
        run.context.now = scheduler.wallClock
        return run
    }
}
