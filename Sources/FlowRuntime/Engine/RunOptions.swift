import CoreMetrics
import FlowCore
import Foundation
import Logging
import Tracing

/// How to run a pipeline: everything a run depends on besides the pipeline, injected.
public struct RunOptions: Sendable {
    /// The run seed: generators, jitter and `random_*()` draw from streams derived from it.
    public var seed: UInt64
    /// How long a shutdown waits for in-flight events before it gives up on them (they stay uncommitted).
    public var grace: Duration
    /// How often the run checks whether it is idle.
    public var idleCheckInterval: Duration
    public var scheduler: any FlowScheduler
    public var logger: Logger
    /// Standard input for `stdin:` producers.
    public var standardInput: FileHandle
    /// The handlers `swift:` steps call.
    public var swiftHandlers: SwiftHandlerRegistry
    /// The producers and consumers this process runs (all by default).
    public var parts: RunParts
    /// Where the run records its metrics (docs/observability.md); nil, the default, records none and costs
    /// nothing. The run never bootstraps `MetricsSystem`: pass `MetricsSystem.factory` to use the global one.
    public var metrics: (any MetricsFactory)?
    /// Where the run's spans go (docs/observability.md); nil, the default, traces nothing and costs nothing.
    /// The run never bootstraps `InstrumentationSystem`.
    public var tracer: (any Tracer)?
    /// How often, with metrics on, every group's lag per partition is sampled into `flow.consumer.lag`.
    public var lagSampleInterval: Duration
    /// Steps replaced by scripted outcomes (`flow test`'s mocks); empty, the default, runs every step.
    public var stepMocks: [StepMock] = []
    /// Whether the pipeline's declared `faults:` are injected (`flow run --faults`, `flow test`); off by default.
    public var faults = false

    public init(
        seed: UInt64 = 1,
        grace: Duration = ShutdownGrace.default,
        idleCheckInterval: Duration = .milliseconds(20),
        scheduler: any FlowScheduler = DispatchScheduler(),
        logger: Logger = Logger(label: "flow"),
        standardInput: FileHandle = .standardInput,
        swiftHandlers: SwiftHandlerRegistry = SwiftHandlerRegistry(),
        parts: RunParts = .all,
        metrics: (any MetricsFactory)? = nil,
        tracer: (any Tracer)? = nil,
        lagSampleInterval: Duration = .seconds(1)
    ) {
        self.seed = seed
        self.grace = grace
        self.idleCheckInterval = idleCheckInterval
        self.scheduler = scheduler
        self.logger = logger
        self.standardInput = standardInput
        self.swiftHandlers = swiftHandlers
        self.parts = parts
        self.metrics = metrics
        self.tracer = tracer
        self.lagSampleInterval = lagSampleInterval
    }
}
