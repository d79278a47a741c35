import FlowCore
import Foundation
import Testing

@testable import FlowRuntime

/// Producers on a durable broker: each stored record carries the checkpoint after its input, and a producer
/// given that checkpoint continues exactly where the last run stopped.
struct ProducerResumeTests {
    let harness = ProducerHarness(durable: true)

    @Test func aResumedGeneratorContinuesItsSeqAndRandomStreamAndKeepsItsCount() async throws {
        let keys = try await harness.declare([TopicSpec(name: "ticks", retention: 100)])
        let paced = generator(count: 10, rate: Rate(count: 1, per: .seconds(1)))
        let first = harness.start(paced, keys: keys)
        harness.scheduler.advance(by: .milliseconds(3500))
        first.stop()
        harness.scheduler.settle()
        #expect(try harness.outcome() == .stopped)
        let checkpoint = try #require(try await harness.target.checkpoint(of: "ticks"))
        #expect(checkpoint.source == "generate")
        #expect(checkpoint.produced == 4)

        let again = OutcomeProbe()
        let second = harness.start(paced, keys: keys, resume: checkpoint, outcomes: again)
        harness.scheduler.advance(by: .seconds(10))
        #expect(again.wait(timeout: .now() + 5) == .finished)
        #expect(second.stats.published == 6, "10 in all: 4 before the restart, 6 after")
        let resumed = try await harness.events(of: "ticks")

        let whole = ProducerHarness()
        let wholeKeys = try await whole.declare([TopicSpec(name: "ticks", retention: 100)])
        _ = whole.start(generator(count: 10), keys: wholeKeys)
        #expect(try whole.outcome() == .finished)
        let uninterrupted = try await whole.events(of: "ticks")
        #expect(resumed.map(\.data) == (1...10).map { ["n": .int($0)] })
        #expect(resumed.map(\.id) == uninterrupted.map(\.id), "the same seed gives the same ids, restart or not")
    }

    @Test func aGeneratorThatMadeItsCountMakesNoMore() async throws {
        let keys = try await harness.declare([TopicSpec(name: "ticks")])
        let done = ProducerCheckpoint(source: "generate", produced: 5, random: 42)
        let runner = harness.start(generator(count: 5), keys: keys, resume: done)
        #expect(try harness.outcome() == .finished)
        #expect(runner.stats.published == 0)
        #expect(try await harness.events(of: "ticks").isEmpty)
    }

    @Test func aResumedFileReadsOnlyTheLinesAddedSinceAndNumbersThemOn() async throws {
        let file = try TemporaryFile("{\"n\": 1}\n\n{\"n\": 2}\n")
        defer { file.remove() }
        let keys = try await harness.declare([TopicSpec(name: "orders", retention: 100)])
        let producer = Pipeline.Producer(
            name: "import",
            to: "orders",
            source: .file(path: file.path, type: nil),
            location: location
        )
        _ = harness.start(producer, keys: keys)
        #expect(try harness.outcome() == .finished)
        let checkpoint = try #require(try await harness.target.checkpoint(of: "import"))
        #expect(
            checkpoint
                == ProducerCheckpoint(source: "file:" + file.path, produced: 3, offset: 19, random: checkpoint.random)
        )

        let handle = try #require(FileHandle(forWritingAtPath: file.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{not json\n{\"n\": 3}\n".utf8))
        try handle.close()
        let again = OutcomeProbe()
        let runner = harness.start(producer, keys: keys, resume: checkpoint, outcomes: again)
        #expect(again.wait(timeout: .now() + 10) == .finished)
        harness.scheduler.settle()
        #expect(try await harness.events(of: "orders").map(\.data) == [["n": 1], ["n": 2], ["n": 3]])
        #expect(runner.stats == ProducerStats(published: 1, malformed: 1))
        #expect(harness.logs.entries("malformed input line").first?.metadata["flow.line"] == "4")
    }

    @Test func aFileShorterThanItsCheckpointIsRefusedNotReadFromAnywhere() async throws {
        let file = try TemporaryFile("{\"n\": 1}\n")
        defer { file.remove() }
        let keys = try await harness.declare([TopicSpec(name: "orders")])
        let producer = Pipeline.Producer(
            name: "import",
            to: "orders",
            source: .file(path: file.path, type: nil),
            location: location
        )
        let stale = ProducerCheckpoint(source: "file:" + file.path, produced: 40, offset: 900, random: 1)
        _ = harness.start(producer, keys: keys, resume: stale)
        guard case .failed(let message) = try harness.outcome() else {
            Issue.record("a file shorter than the checkpoint must fail the producer")
            return
        }
        #expect(message.contains("read 40 lines (900 bytes) of it, but the file now has 9 bytes"))
        #expect(try await harness.events(of: "orders").isEmpty)
    }

    @Test func aCheckpointOfAnotherSourceIsIgnoredWithAWarning() async throws {
        let keys = try await harness.declare([TopicSpec(name: "ticks")])
        let other = ProducerCheckpoint(source: "file:old.jsonl", produced: 3, offset: 30, random: 1)
        let runner = harness.start(generator(count: 2), keys: keys, resume: other)
        #expect(try harness.outcome() == .finished)
        #expect(runner.stats.published == 2)
        #expect(
            harness.logs.entries("the store's checkpoint is of another source; this producer starts from the beginning")
                .count == 1
        )
    }
}
