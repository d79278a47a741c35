import FlowCore
import Foundation

/// Runs one `PipelineTest` on a manual clock and checks its expectations: `flow test`'s engine.
///
/// Invariants: nothing sleeps (time moves from one due piece of work to the next, so a 10-minute retry
/// schedule takes milliseconds); the same test and seed give the same outcome; every run is shut down before
/// the outcome is returned, so nothing outlives the test.
public enum PipelineTestRunner {
    /// How long `run: idle` may take in virtual time before the test fails as never idle.
    public static let idleLimit = Duration.seconds(24 * 3600)

    /// Runs `test` on `pipeline` and returns what failed (nothing when it passed).
    public static func run(_ test: PipelineTest, pipeline: Pipeline) async -> TestOutcome {
        let started = ContinuousClock.now
        var outcome = TestOutcome(name: test.name, location: test.location)
        do {
            let harness = try await PipelineHarness.start(
                pipeline: pipeline,
                seed: test.seed,
                parts: test.producers ? .all : RunParts(producers: [], consumers: nil),
                stepMocks: test.mocks,
                faults: test.faults
            )
            for given in test.given.sorted(by: { $0.at < $1.at }) {
                advance(harness, to: given.at)
                do {
                    try await harness.publish([given.event], to: given.topic)
                } catch {
                    outcome.failures.append(
                        TestFailure(location: given.location, message: "cannot publish \"\(given.event.id)\": \(error)")
                    )
                }
            }
            switch test.run {
            case .idle:
                if !(await runUntilIdle(harness)) {
                    outcome.failures.append(
                        TestFailure(
                            location: test.location,
                            message: "the run was not idle after \(DurationText.format(idleLimit)) of virtual time"
                        )
                    )
                }
            case .duration(let length):
                advance(harness, to: length)
            }
            let summary = await harness.run.summary()
            outcome.virtualTime = harness.scheduler.now
            let check = ExpectationCheck(summary: summary, logs: harness.logs.all, harness: harness)
            for expectation in test.expectations {
                outcome.failures += check.failures(of: expectation)
            }
            _ = try? await harness.shutdown()
        } catch {
            outcome.failures.append(TestFailure(location: test.location, message: "the test could not run: \(error)"))
        }
        outcome.wallTime = ContinuousClock.now - started
        return outcome
    }

    /// Moves the clock to `instant`, running each piece of work that falls due on the way at its deadline.
    static func advance(_ harness: PipelineHarness, to instant: Duration) {
        let now = harness.scheduler.now
        if instant > now { harness.advance(by: instant - now) }
        harness.settle()
    }

    /// Moves the clock until the run is idle; false when `idleLimit` passed first.
    static func runUntilIdle(_ harness: PipelineHarness) async -> Bool {
        let scheduler = harness.scheduler
        let deadline = scheduler.now + idleLimit
        while !(await harness.run.isIdle()) {
            guard scheduler.now < deadline else { return false }
            let next = scheduler.nextDeadline ?? (scheduler.now + .milliseconds(1))
            scheduler.advance(by: max(next - scheduler.now, .milliseconds(1)))
        }
        return true
    }
}

/// What one test did: its failures (none when it passed) and how long it took.
public struct TestOutcome: Sendable {
    public var name: String
    public var location: SourceLocation
    public var failures: [TestFailure] = []
    /// The virtual time the run reached.
    public var virtualTime: Duration = .zero
    /// How long the test took on the wall clock.
    public var wallTime: Duration = .zero

    public var passed: Bool { failures.isEmpty }
}

/// One expectation that did not hold: where it is written, what differed, and the log lines that explain it.
public struct TestFailure: Sendable {
    public var location: SourceLocation
    public var message: String
    public var logs: [String] = []

    public init(location: SourceLocation, message: String, logs: [String] = []) {
        self.location = location
        self.message = message
        self.logs = logs
    }
}
