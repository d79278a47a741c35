import FlowTesting
import Testing

/// Exact retry timelines, in virtual milliseconds, for each backoff shape, declared in YAML and run through
/// the real loader, broker and consumer runner.
struct RetryTimelineTests {
    static func pipeline(_ retry: String) -> String {
        """
        version: 1
        topics:
          jobs: {}
          jobs.dlq: {}
        consumers:
          worker:
            from: jobs
            retry: \(retry)
            dead_letter: jobs.dlq
            steps:
              - fail: { when: attempt < 5, message: "flaky" }
        """
    }

    static func event(_ id: String) -> CloudEvent {
        CloudEvent(id: id, source: "test", type: "Job", data: ["n": 1])
    }

    @Test(arguments: [
        ("{ max_attempts: 5, backoff: constant, initial: 100ms }", [0, 100, 200, 300, 400]),
        ("{ max_attempts: 5, backoff: linear, initial: 100ms, max: 10s }", [0, 100, 300, 600, 1000]),
        ("{ max_attempts: 5, backoff: exponential, initial: 100ms, max: 10s }", [0, 100, 300, 700, 1500]),
        ("{ max_attempts: 5, backoff: exponential, initial: 100ms, max: 250ms }", [0, 100, 300, 550, 800]),
        ("{ max_attempts: 5, backoff: exponential, initial: 50ms, multiplier: 3, max: 10s }", [0, 50, 200, 650, 2000]),
    ])
    func attemptsStartExactlyOnTheBackoffSchedule(retry: String, expected: [Int]) async throws {
        let harness = try await PipelineHarness.start(yaml: Self.pipeline(retry))
        try await harness.publish([Self.event("e1")], to: "jobs")
        let summary = try await harness.runUntilIdle()
        let starts = harness.logs.entries("event delivered").map { Int($0.at / .milliseconds(1)) }
        #expect(starts == expected)
        #expect(summary.consumers[0].stats.processed == 1)
        #expect(summary.consumers[0].stats.retried == 4)
        #expect(summary.consumers[0].stats.deadLettered == 0)
    }

    @Test func fullJitterStaysWithinTheCapAndRepeatsUnderASeed() async throws {
        let retry = "{ max_attempts: 5, backoff: exponential, initial: 100ms, max: 10s, jitter: full }"
        var runs: [[Int]] = []
        for _ in 0..<2 {
            let harness = try await PipelineHarness.start(yaml: Self.pipeline(retry), seed: 7)
            try await harness.publish([Self.event("e1")], to: "jobs")
            _ = try await harness.runUntilIdle()
            runs.append(harness.logs.entries("event delivered").map { Int($0.at / .milliseconds(1)) })
        }
        #expect(runs[0] == runs[1])
        let gaps = zip(runs[0].dropFirst(), runs[0]).map { $0 - $1 }
        for (gap, cap) in zip(gaps, [100, 200, 400, 800]) {
            #expect((0...cap).contains(gap))
        }
    }

    @Test func exhaustedRetriesLandInTheDeadLetterTopicWithTheirHistory() async throws {
        let yaml = Self.pipeline("{ max_attempts: 3, backoff: constant, initial: 1s }")
        let harness = try await PipelineHarness.start(yaml: yaml)
        try await harness.publish([Self.event("e1")], to: "jobs")
        let summary = try await harness.runUntilIdle()
        #expect(summary.consumers[0].stats.deadLettered == 1)
        let letters = try await harness.events(of: "jobs.dlq")
        let letter = try #require(letters.first)
        #expect(letter.id == "e1")
        #expect(letter.data == ["n": 1])
        #expect(letter.extensions["flowsourcetopic"] == "jobs")
        #expect(letter.extensions["flowconsumer"] == "worker")
        #expect(letter.extensions["flowattempts"] == 3)
        #expect(letter.extensions["flowerror"] == "flaky")
        #expect(letter.extensions["flowfirstfailure"] == "2026-01-01T00:00:00.000Z")
        #expect(letter.extensions["flowlastfailure"] == "2026-01-01T00:00:02.000Z")
    }
}
