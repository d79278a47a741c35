import FlowCore
import Testing

@testable import FlowRuntime

extension ProducerRunnerTests {
    @Test func aRateReleasesEventNAfterNMinusOneIntervals() async throws {
        let keys = try await harness.declare([TopicSpec(name: "ticks")])
        let runner = harness.start(generator(count: nil, rate: Rate(count: 100, per: .seconds(1))), keys: keys)
        harness.scheduler.settle()
        #expect(runner.stats.published == 1)
        harness.scheduler.advance(by: .milliseconds(990))
        #expect(runner.stats.published == 100)
        harness.scheduler.advance(by: .milliseconds(9))
        #expect(runner.stats.published == 100)
        harness.scheduler.advance(by: .milliseconds(1))
        #expect(runner.stats.published == 101)
        harness.scheduler.advance(by: .milliseconds(10))
        #expect(runner.stats.published == 102)
    }

    @Test func aFastRateIsPublishedInBatchesWithOneTimer() async throws {
        let keys = try await harness.declare([TopicSpec(name: "ticks", retention: 100_000)])
        let runner = harness.start(generator(count: nil, rate: Rate(count: 10_000, per: .seconds(1))), keys: keys)
        harness.scheduler.settle()
        #expect(runner.stats.published == 1)
        #expect(harness.scheduler.pendingCount == 1)
        harness.scheduler.advance(by: .milliseconds(10))
        #expect(runner.stats.published == 101)
        #expect(harness.scheduler.pendingCount == 1)
        harness.scheduler.advance(by: .milliseconds(990))
        #expect(runner.stats.published == 10_001)
        #expect(harness.scheduler.pendingCount == 1)
    }

    @Test func aSlowRateSleepsUntilTheNextEventIsDue() async throws {
        let keys = try await harness.declare([TopicSpec(name: "ticks")])
        let runner = harness.start(generator(count: 3, rate: Rate(count: 1, per: .seconds(2))), keys: keys)
        harness.scheduler.advance(by: .milliseconds(1999))
        #expect(runner.stats.published == 1)
        harness.scheduler.advance(by: .milliseconds(1))
        #expect(runner.stats.published == 2)
        harness.scheduler.advance(by: .seconds(2))
        #expect(runner.stats.published == 3)
        #expect(harness.outcomes.all == [.finished])
        #expect(harness.scheduler.pendingCount == 0)
    }

    @Test func aFullTopicHoldsTheGeneratorBackUntilAcked() async throws {
        let keys = try await harness.declare([TopicSpec(name: "ticks", capacity: 8)])
        try await harness.broker.declareGroup("g", on: "ticks")
        let runner = harness.start(generator(count: 20), keys: keys)
        harness.scheduler.settle()
        var stats = try await harness.broker.stats(of: "ticks")
        #expect(stats.published == 8)
        #expect(runner.stats.published == 0)
        #expect(harness.outcomes.all.isEmpty)
        let (sink, subscription) = try await subscribe(to: "ticks")
        subscription.ack(sink.records.map(\.position))
        harness.scheduler.settle()
        stats = try await harness.broker.stats(of: "ticks")
        #expect(stats.published == 16)
        #expect(harness.outcomes.all.isEmpty)
        subscription.ack(sink.records[8...].map(\.position))
        harness.scheduler.settle()
        #expect(runner.stats.published == 20)
        #expect(harness.outcomes.all == [.finished])
    }

    /// Two batches on memory; eight on a durable broker, whose publishes complete a commit later.
    @Test(arguments: [(false, 2), (true, 8)])
    func aFewBatchesAtMostWaitForAFullTopic(durable: Bool, batches: Int) async throws {
        let harness = ProducerHarness(durable: durable)
        let keys = try await harness.declare([TopicSpec(name: "ticks", capacity: 8)])
        try await harness.broker.declareGroup("g", on: "ticks")
        let runner = harness.start(generator(count: 10_000), keys: keys)
        harness.scheduler.settle()
        let stats = try await harness.broker.stats(of: "ticks")
        #expect(stats.published == 8)
        #expect(runner.queue.sync { runner.inFlight } == batches)
    }
}
