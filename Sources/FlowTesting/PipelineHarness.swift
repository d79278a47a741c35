import CoreMetrics
@_exported import FlowCore
@_exported import FlowRuntime
import FlowYAML
import Foundation
import Logging
import Synchronization

/// Runs a pipeline on a manual clock for tests: nothing sleeps, time moves only when the test says so,
/// and every log record is captured.
///
/// ```swift
/// let h = try await PipelineHarness.start(yaml: text)
/// h.advance(by: .seconds(2))
/// let summary = try await h.runUntilIdle()
/// #expect(summary.consumers[0].stats.retried == 2)
/// ```
///
/// Invariant: call `advance`, `settle` and `runUntilIdle` from the test, never from a runtime queue.
public final class PipelineHarness: Sendable {
    public let pipeline: Pipeline
    public let scheduler: ManualScheduler
    public let broker: MemoryBroker
    public let run: PipelineRun
    /// Every log record of the run, at `trace` and above, stamped with virtual time.
    public let logs: VirtualTimeLog
    /// Every record the broker stored, kept after the broker deleted it.
    let journal = RecordingJournal()

    /// Loads `yaml` with the real loader and starts it (consumers join, then producers start); with `metrics`
    /// the run records its metrics there, `parts` says which producers and consumers run, `stepMocks` which
    /// steps are replaced by scripted outcomes, `faults` whether the declared faults are injected.
    /// Throws `HarnessError.invalid` with the diagnostics when the pipeline does not load.
    public static func start(
        yaml: String,
        file: String = "test.yml",
        environment: [String: String] = [:],
        seed: UInt64 = 1,
        grace: Duration = .seconds(10),
        standardInput: FileHandle = FileHandle.nullDevice,
        swiftHandlers: SwiftHandlerRegistry = SwiftHandlerRegistry(),
        metrics: (any MetricsFactory)? = nil,
        parts: RunParts = .all,
        stepMocks: [StepMock] = [],
        faults: Bool = false
    ) async throws -> PipelineHarness {
        let options = LoaderOptions(environment: environment, swiftHandlers: swiftHandlers.names)
        let loaded = PipelineLoader(options: options).load(text: yaml, file: file)
        guard let pipeline = loaded.pipeline else { throw HarnessError.invalid(loaded.diagnostics) }
        return try await start(
            pipeline: pipeline,
            seed: seed,
            grace: grace,
            standardInput: standardInput,
            swiftHandlers: swiftHandlers,
            metrics: metrics,
            parts: parts,
            stepMocks: stepMocks,
            faults: faults
        )
    }

    /// Starts an already loaded `pipeline` (see `start(yaml:)`).
    public static func start(
        pipeline: Pipeline,
        seed: UInt64 = 1,
        grace: Duration = .seconds(10),
        standardInput: FileHandle = FileHandle.nullDevice,
        swiftHandlers: SwiftHandlerRegistry = SwiftHandlerRegistry(),
        metrics: (any MetricsFactory)? = nil,
        parts: RunParts = .all,
        stepMocks: [StepMock] = [],
        faults: Bool = false
    ) async throws -> PipelineHarness {
        let harness = PipelineHarness(
            pipeline: pipeline,
            seed: seed,
            grace: grace,
            standardInput: standardInput,
            swiftHandlers: swiftHandlers,
            metrics: metrics,
            parts: parts,
            stepMocks: stepMocks,
            faults: faults
        )
        try await harness.run.start()
        harness.scheduler.settle()
        return harness
    }

    private init(
        pipeline: Pipeline,
        seed: UInt64,
        grace: Duration,
        standardInput: FileHandle,
        swiftHandlers: SwiftHandlerRegistry,
        metrics: (any MetricsFactory)?,
        parts: RunParts,
        stepMocks: [StepMock],
        faults: Bool
    ) {
        self.pipeline = pipeline
        scheduler = ManualScheduler()
        broker = MemoryBroker(scheduler: scheduler, journal: journal)
        logs = VirtualTimeLog(scheduler: scheduler)
        var options = RunOptions(
            seed: seed,
            grace: grace,
            scheduler: scheduler,
            logger: logs.logger(),
            standardInput: standardInput,
            swiftHandlers: swiftHandlers,
            parts: parts,
            metrics: metrics
        )
        options.stepMocks = stepMocks
        options.faults = faults
        run = PipelineRun(pipeline: pipeline, broker: broker, options: options)
    }

    /// Moves the manual clock forward, running everything that falls due.
    public func advance(by duration: Duration) {
        scheduler.advance(by: duration)
    }

    /// Runs work that is already due; time does not move.
    public func settle() {
        scheduler.settle()
    }

    /// Advances the clock in `step`s until the run is idle, and returns the summary then. Bounded: throws
    /// `HarnessError.notIdle` once `limit` of virtual time has passed without becoming idle.
    public func runUntilIdle(
        step: Duration = .milliseconds(1),
        limit: Duration = .seconds(600)
    ) async throws
        -> RunSummary
    {
        let deadline = scheduler.now + limit
        while !(await run.isIdle()) {
            guard scheduler.now < deadline else { throw HarnessError.notIdle(after: limit) }
            scheduler.advance(by: step)
        }
        return await run.summary()
    }

    /// Publishes `events` to `topic` with the topic's keys, and waits until they are stored.
    public func publish(_ events: [CloudEvent], to topic: String) async throws {
        let keys = TopicKeys(pipeline.topics)
        var records: [OutgoingRecord] = []
        for event in events {
            records.append(OutgoingRecord(key: try keys.key(for: event, on: topic), event: event))
        }
        let queue = DispatchQueue(label: "flow.test.publish")
        let result = await withCheckedContinuation { continuation in
            broker.publish(records, to: topic, queue: queue) { continuation.resume(returning: $0) }
        }
        try result.get()
        scheduler.settle()
    }

    /// The events a topic holds now (dead-letter topics keep theirs).
    public func events(of topic: String) async throws -> [CloudEvent] {
        try await broker.records(of: topic).map(\.event)
    }

    /// Every event stored in `topic` during the run, in the order stored, whether or not it was consumed
    /// since.
    public func storedEvents(of topic: String) -> [CloudEvent] {
        journal.events(of: topic)
    }

    /// Shuts the run down (producers end, then consumers drain, each within the grace) while moving the clock
    /// in `step`s, and returns the summary then. Bounded: throws `HarnessError.notStopped` once `limit` of
    /// virtual time has passed without the shutdown completing.
    public func shutdown(
        step: Duration = .milliseconds(1),
        limit: Duration = .seconds(600)
    ) async throws
        -> RunSummary
    {
        let finished = Mutex(false)
        let run = self.run
        let stopping = Task {
            await run.shutdown()
            finished.withLock { $0 = true }
        }
        let deadline = scheduler.now + limit
        while !finished.withLock({ $0 }) {
            guard scheduler.now < deadline else { throw HarnessError.notStopped(after: limit) }
            await Task.yield()
            scheduler.advance(by: step)
        }
        await stopping.value
        return await run.summary()
    }
}

/// Why a harness could not do what a test asked.
public enum HarnessError: Error, CustomStringConvertible {
    case invalid([Diagnostic])
    case notIdle(after: Duration)
    case notStopped(after: Duration)

    public var description: String {
        switch self {
        case .invalid(let diagnostics):
            "pipeline does not load:\n" + diagnostics.map(\.description).joined(separator: "\n")
        case .notIdle(let limit): "the run was not idle after \(limit) of virtual time"
        case .notStopped(let limit): "the run had not shut down after \(limit) of virtual time"
        }
    }
}
