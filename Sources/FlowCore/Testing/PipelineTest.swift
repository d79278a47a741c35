/// A `*.test.yml` file (docs/testing.md): tests of one pipeline, each run on a virtual clock.
///
/// Invariant: every test and expectation keeps the location it was written at, so a failure names the
/// test file's `path:line:col`.
public struct PipelineTestFile: Sendable {
    /// The test file as the user named it.
    public var file: String
    /// The pipeline file, resolved against the test file's directory.
    public var pipeline: String
    public var tests: [PipelineTest]

    public init(file: String, pipeline: String, tests: [PipelineTest]) {
        self.file = file
        self.pipeline = pipeline
        self.tests = tests
    }
}

/// One test: events given at virtual instants, mocked steps, a run, expectations.
public struct PipelineTest: Sendable {
    public var name: String
    public var location: SourceLocation
    /// The run's seed: jitter, `random_*`, `uuid()` and emitted ids follow it.
    public var seed: UInt64 = 1
    /// The `${env.*}` the pipeline sees (nothing else of the real environment).
    public var environment: [String: String] = [:]
    /// Whether the pipeline's producers run (off by default: only `given` events flow).
    public var producers = false
    /// Whether the pipeline's declared `faults:` are injected (on unless the test says `faults: off`).
    public var faults = true
    public var mocks: [StepMock] = []
    public var given: [GivenEvent] = []
    public var run: RunLength = .idle
    public var expectations: [TestExpectation] = []

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }

    /// How long a test runs: until nothing is left to do, or for a virtual duration.
    public enum RunLength: Sendable, Hashable {
        case idle
        case duration(Duration)
    }
}

/// An event published to a topic at a virtual instant.
public struct GivenEvent: Sendable {
    public var topic: String
    public var at: Duration
    public var event: CloudEvent
    public var location: SourceLocation

    public init(topic: String, at: Duration, event: CloudEvent, location: SourceLocation) {
        self.topic = topic
        self.at = at
        self.event = event
        self.location = location
    }
}

/// What a test expects once its run is over.
public struct TestExpectation: Sendable {
    public var location: SourceLocation
    public var kind: Kind

    public init(location: SourceLocation, kind: Kind) {
        self.location = location
        self.kind = kind
    }

    public enum Kind: Sendable {
        /// A consumer's counts (each optional) and the virtual instants of each attempt at some events.
        case consumer(String, counts: [ConsumerCount: Int], attempts: [String: [Duration]])
        /// The events stored in a topic during the run (consumed since or not): how many, and events each
        /// matching one of them, in order.
        case topic(String, count: Int?, events: [EventPattern])
        /// A log line containing `message`, at a virtual instant when `at` is given.
        case log(message: String, at: Duration?)
    }

    /// The counts a consumer expectation may name, as the summary counts them.
    public enum ConsumerCount: String, Sendable, Hashable, CaseIterable {
        case received, processed, filtered, dropped, retried
        case deadLettered = "dead_lettered"
        case failed
    }
}

/// Part of an event: every field given must equal the event's (`data` and `ext` as subsets).
public struct EventPattern: Sendable {
    public var id: String?
    public var type: String?
    public var source: String?
    public var subject: String?
    public var data: Value?
    public var extensions: [String: Value] = [:]
    public var location: SourceLocation

    public init(location: SourceLocation) {
        self.location = location
    }
}
