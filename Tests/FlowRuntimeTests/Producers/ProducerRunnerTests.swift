import FlowCore
import FlowTesting
import Foundation
import Testing

@testable import FlowRuntime

struct ProducerRunnerTests {
    let harness = ProducerHarness()

    @Test func generatesCountEventsNumberedFromOne() async throws {
        let keys = try await harness.declare([TopicSpec(name: "ticks")])
        let runner = harness.start(generator(count: 5), keys: keys)
        harness.scheduler.settle()
        #expect(try harness.outcome() == .finished)
        let events = try await harness.events(of: "ticks")
        #expect(events.map(\.data) == [["n": 1], ["n": 2], ["n": 3], ["n": 4], ["n": 5]])
        #expect(Set(events.map(\.id)).count == 5)
        #expect(events.allSatisfy { $0.source == "flow/ticks" && $0.type == "Tick" })
        #expect(events.allSatisfy { $0.time == "2026-01-01T00:00:00.000Z" })
        #expect(runner.stats == ProducerStats(published: 5))
        #expect(harness.outcomes.all == [.finished])
    }

    @Test func aSingleHoleKeepsItsTypeAndTextHolesRenderAsText() async throws {
        let keys = try await harness.declare([TopicSpec(name: "ticks")])
        let data = Pipeline.ValueTemplate.object([
            "n": .template(template("${seq()}")),
            "label": .template(template("tick-${seq()}")),
            "even": .template(template("${seq() % 2 == 0}")),
            "list": .array([.template(template("${seq() * 10}")), .literal("fixed")]),
            "nested": .object(["half": .template(template("${double(seq()) / 2.0}"))]),
        ])
        let producer = generator(
            count: 2,
            type: "Tick${seq()}",
            data: data,
            extensions: ["tickno": template("${seq()}"), "unset": template("${default(null, null)}")]
        )
        _ = harness.start(producer, keys: keys)
        harness.scheduler.settle()
        let events = try await harness.events(of: "ticks")
        try #require(events.count == 2)
        #expect(
            events[1].data == [
                "n": 2, "label": "tick-2", "even": true, "list": [20, "fixed"], "nested": ["half": 1.0],
            ]
        )
        #expect(events.map(\.type) == ["Tick1", "Tick2"])
        #expect(events[1].extensions == ["tickno": 2])
    }

    @Test func theSameSeedGivesTheSameEventsAndAnotherSeedOthers() async throws {
        let data = Pipeline.ValueTemplate.object([
            "id": .template(template("${uuid()}")), "amount": .template(template("${random_int(1, 1000000)}")),
        ])
        func run(seed: UInt64) async throws -> [CloudEvent] {
            let harness = ProducerHarness()
            let keys = try await harness.declare([TopicSpec(name: "ticks")])
            _ = harness.start(generator(count: 20, data: data), keys: keys, seed: seed)
            harness.scheduler.settle()
            return try await harness.events(of: "ticks")
        }
        let first = try await run(seed: 1)
        let again = try await run(seed: 1)
        let other = try await run(seed: 2)
        #expect(first.count == 20)
        #expect(first == again)
        #expect(Set(first.map(\.id)).isDisjoint(with: other.map(\.id)))
        #expect(first.map(\.data) != other.map(\.data))
    }

    @Test func keysPlaceEventsInTheirTopicsPartitions() async throws {
        let keys = try await harness.declare(
            [TopicSpec(name: "ticks", partitions: 4)],
            keys: ["ticks": "data.customer"]
        )
        let data = Pipeline.ValueTemplate.object(["customer": .template(template("c${seq() % 5}"))])
        _ = harness.start(generator(count: 40, data: data), keys: keys)
        harness.scheduler.settle()
        let records = try await harness.broker.records(of: "ticks")
        #expect(records.count == 40)
        for record in records {
            let customer = try #require(record.event.data["customer"]?.stringValue)
            #expect(record.key == customer)
            #expect(record.position.partition == PartitionKey.partition(for: customer, partitions: 4))
        }
        #expect(Set(records.map(\.position.partition)).count > 1)
    }

    @Test func aFailingKeyIsCountedAsMalformedAndTheRestIsPublished() async throws {
        let keys = try await harness.declare([TopicSpec(name: "ticks")], keys: ["ticks": "int(data.n)"])
        let data = Pipeline.ValueTemplate.object(["n": .template(template("${seq() == 2 ? 'two' : string(seq())}"))])
        let runner = harness.start(generator(count: 3, data: data), keys: keys)
        harness.scheduler.settle()
        #expect(try harness.outcome() == .finished)
        #expect(runner.stats == ProducerStats(published: 2, malformed: 1))
        #expect(try await harness.events(of: "ticks").map(\.data) == [["n": "1"], ["n": "3"]])
        let logged = try #require(harness.logs.entries("malformed generated event").first)
        #expect(logged.level == .error)
        #expect(logged.metadata["flow.seq"] == "2")
        #expect(logged.metadata["flow.error"]?.hasPrefix("key of topic \"ticks\" failed: ") == true)
    }

    @Test func aFailingKeyGoesToTheDeadLetterTopicWhenThereIsOne() async throws {
        let keys = try await harness.declare(
            [TopicSpec(name: "ticks"), TopicSpec(name: "ticks.dlq")],
            keys: ["ticks": "int(data.n)"]
        )
        let data = Pipeline.ValueTemplate.object(["n": .template(template("${seq() == 2 ? 'two' : string(seq())}"))])
        let runner = harness.start(generator(count: 3, data: data, deadLetter: "ticks.dlq"), keys: keys)
        harness.scheduler.settle()
        #expect(runner.stats == ProducerStats(published: 2, deadLettered: 1))
        let envelope = try #require(try await harness.events(of: "ticks.dlq").first)
        #expect(envelope.type == "flow.malformed")
        #expect(envelope.extensions["flowseq"] == 2)
        #expect(envelope.extensions["flowproducer"] == "ticks")
        let raw = try #require(envelope.data.stringValue)
        #expect(try Value(json: Data(raw.utf8))["data"] == ["n": "two"])
    }

    @Test func stopEndsAnUnboundedGeneratorAndReportsOnce() async throws {
        let keys = try await harness.declare([TopicSpec(name: "ticks")])
        let runner = harness.start(generator(count: nil, rate: Rate(count: 100, per: .seconds(1))), keys: keys)
        harness.scheduler.advance(by: .milliseconds(95))
        #expect(harness.outcomes.all.isEmpty)
        runner.stop()
        runner.stop()
        harness.scheduler.settle()
        #expect(harness.outcomes.all == [.stopped])
        #expect(runner.stats.published == 10)
        harness.scheduler.advance(by: .seconds(1))
        #expect(runner.stats.published == 10)
        #expect(harness.scheduler.pendingCount == 0)
        #expect(harness.outcomes.all == [.stopped])
    }

    @Test func stopEndsAGeneratorHeldBackByAFullTopic() async throws {
        let keys = try await harness.declare([TopicSpec(name: "ticks", capacity: 4)])
        try await harness.broker.declareGroup("g", on: "ticks")
        let runner = harness.start(generator(count: nil), keys: keys)
        harness.scheduler.settle()
        #expect(try await harness.broker.stats(of: "ticks").published == 4)
        runner.stop()
        harness.scheduler.settle()
        #expect(harness.outcomes.all.isEmpty)
        let (sink, subscription) = try await subscribe(to: "ticks")
        var acked = 0
        while harness.outcomes.all.isEmpty, sink.records.count > acked {
            let received = sink.records
            subscription.ack(received[acked...].map(\.position))
            acked = received.count
            harness.scheduler.settle()
        }
        #expect(harness.outcomes.all == [.stopped])
        #expect(runner.stats.published == 2 * ProducerRunner.batchSize)
    }

    @Test func logsStartAndFinishWithConstantMessages() async throws {
        let keys = try await harness.declare([TopicSpec(name: "ticks")])
        _ = harness.start(generator(count: 3), keys: keys)
        harness.scheduler.settle()
        let started = try #require(harness.logs.entries("producer started").first)
        #expect(started.level == .info)
        #expect(started.metadata["flow.producer"] == "ticks")
        #expect(started.metadata["flow.topic"] == "ticks")
        let finished = try #require(harness.logs.entries("producer finished").first)
        #expect(finished.metadata["flow.published"] == "3")
        #expect(finished.metadata["flow.outcome"] == "finished")
    }

    @Test func publishingToAnUndeclaredTopicFails() async throws {
        let keys = try await harness.declare([])
        _ = harness.start(generator(count: 3), keys: keys)
        harness.scheduler.settle()
        #expect(
            harness.outcomes.all == [
                .failed("producer \"ticks\" cannot publish to topic \"ticks\": topic \"ticks\" is not declared")
            ]
        )
        #expect(harness.logs.entries("producer failed").count == 1)
    }

    /// Joins group `g` on `topic` with a wide window; the sink keeps what it is pushed.
    func subscribe(to topic: String) async throws -> (CollectingSink, any BrokerSubscription) {
        let sink = CollectingSink()
        let request = SubscriptionRequest(topic: topic, group: "g", member: "m", window: 10_000, queue: callbackQueue)
        let subscription = try await harness.broker.subscribe(request, sink: sink)
        harness.scheduler.settle()
        return (sink, subscription)
    }
}
