import FlowTesting
import Testing

/// The delivery contract of docs/delivery.md, shown on whole pipelines on a manual clock.
struct DeliveryContractTests {
    @Test func aRetryHoldsBackItsOwnKeyOnly() async throws {
        let yaml = """
            version: 1
            topics:
              ledger: { partitions: 2, key: data.account }
              ledger.dlq: {}
            consumers:
              books:
                from: ledger
                concurrency: 4
                retry: { max_attempts: 3, backoff: constant, initial: 100ms }
                dead_letter: ledger.dlq
                steps:
                  - fail: { when: data.account == "a" && data.entry == 1 && attempt == 1 }
                  - log: "applied ${data.account} ${data.entry}"
            """
        let harness = try await PipelineHarness.start(yaml: yaml)
        let events = (1...3).flatMap { entry in
            ["a", "b"].map { account in
                CloudEvent(
                    id: "\(account)\(entry)",
                    source: "test",
                    type: "Entry",
                    data: ["account": .string(account), "entry": .int(entry)]
                )
            }
        }
        try await harness.publish(events, to: "ledger")
        _ = try await harness.runUntilIdle()
        let applied = harness.logs.all.filter { $0.message.hasPrefix("applied ") }
        let a = applied.filter { $0.message.hasPrefix("applied a") }
        let b = applied.filter { $0.message.hasPrefix("applied b") }
        #expect(a.map(\.message) == ["applied a 1", "applied a 2", "applied a 3"])
        #expect(b.map(\.message) == ["applied b 1", "applied b 2", "applied b 3"])
        #expect(b.allSatisfy { $0.at == .zero })
        #expect(a.allSatisfy { $0.at == .milliseconds(100) })
    }

    @Test func anOpenBreakerPausesTheConsumerWithoutBurningAttempts() async throws {
        let yaml = """
            version: 1
            topics:
              calls: {}
              calls.dlq: {}
            consumers:
              caller:
                from: calls
                dead_letter: calls.dlq
                circuit_breaker: { failures: 2, open_for: 1s }
                steps:
                  - fail: { when: data.n <= 2, message: "service down" }
            """
        let harness = try await PipelineHarness.start(yaml: yaml)
        let events = (1...4).map { CloudEvent(id: "c\($0)", source: "test", type: "Call", data: ["n": .int($0)]) }
        try await harness.publish(events, to: "calls")
        harness.advance(by: .milliseconds(999))
        #expect(harness.logs.entries("event delivered").count == 2)
        let summary = try await harness.runUntilIdle()
        #expect(harness.logs.entries("circuit breaker opened").map(\.at) == [.zero])
        #expect(harness.logs.entries("circuit breaker half-open").map(\.at) == [.seconds(1)])
        #expect(harness.logs.entries("circuit breaker closed").map(\.at) == [.seconds(1)])
        #expect(harness.logs.entries("event delivered").count == 4)
        #expect(summary.consumers[0].stats.deadLettered == 2)
        #expect(summary.consumers[0].stats.processed == 2)
    }

    @Test func aFullTopicSlowsTheProducerAndMemoryStaysBounded() async throws {
        let yaml = """
            version: 1
            topics:
              work: { capacity: 8 }
            producers:
              source:
                to: work
                generate: { count: 100, event: { type: Job, data: { n: "${seq()}" } } }
            consumers:
              slow:
                from: work
                steps:
                  - delay: 10ms
            """
        let harness = try await PipelineHarness.start(yaml: yaml)
        var maxLag = 0
        for _ in 0..<200 {
            harness.advance(by: .milliseconds(5))
            let stats = try await harness.broker.stats(of: "work")
            maxLag = max(maxLag, stats.lag(of: "slow") ?? 0)
        }
        let summary = try await harness.runUntilIdle()
        #expect(maxLag <= 8)
        #expect(maxLag > 0)
        #expect(summary.topics.first { $0.name == "work" }?.published == 100)
        #expect(summary.consumers[0].stats.processed == 100)
    }

    /// A consumer that emits into its own full source, and a retry topic that feeds back into a full topic:
    /// publishes closing a cycle go past capacity, so neither cycle can stall.
    @Test(arguments: [
        (
            """
            t: { capacity: 4 }
            """,
            """
            c:
                from: t
                concurrency: 2
                steps:
                  - route:
                      - { when: type == "Job", steps: [{ emit: { to: t, type: Again } }] }
            """,
            "t", 400
        ),
        (
            """
            t: { capacity: 4 }
              t.retry: { capacity: 4 }
            """,
            """
            c:
                from: t
                concurrency: 2
                steps:
                  - route:
                      - { when: type == "Job", to: t.retry }
              retrier:
                from: t.retry
                steps:
                  - emit: { to: t, type: Again }
            """,
            "t", 400
        ),
    ])
    func aCycleThroughFullTopicsDoesNotStall(
        topics: String,
        consumers: String,
        source: String,
        processed: Int
    )
        async throws
    {
        let yaml = """
            version: 1
            topics:
              \(topics)
            producers:
              source:
                to: \(source)
                generate: { count: 200, event: { type: Job, data: { n: "${seq()}" } } }
            consumers:
              \(consumers)
            """
        let harness = try await PipelineHarness.start(yaml: yaml)
        let summary = try await harness.runUntilIdle(limit: .seconds(10))
        #expect(summary.consumers[0].stats.processed == processed)
        #expect(summary.topics.first { $0.name == source }?.published == processed)
    }

    @Test func shutdownLetsProducersEndBeforeTheConsumersDrainSoTheSummaryIsFinal() async throws {
        // One batch of 6 into a topic of capacity 2: at shutdown 4 records still wait for room, which only the
        // consumer (still running while the producer ends) makes.
        let yaml = """
            version: 1
            topics:
              work: { capacity: 2 }
            producers:
              source:
                to: work
                generate: { count: 6, event: { type: Job } }
            consumers:
              slow:
                from: work
                steps:
                  - delay: 10ms
            """
        let harness = try await PipelineHarness.start(yaml: yaml, grace: .seconds(1))
        harness.advance(by: .milliseconds(5))
        let summary = try await harness.shutdown(limit: .seconds(3))
        #expect(summary.producers[0].published == 6)
        #expect(summary.topics.first { $0.name == "work" }?.published == 6)
        #expect(summary.producers[0].failure == nil)
    }

    /// Ten events stored at once, read by a consumer that takes `each` per event.
    static func tenJobs(each delay: String) -> String {
        """
        version: 1
        topics:
          work: {}
        producers:
          source:
            to: work
            generate: { count: 10, event: { type: Job } }
        consumers:
          slow:
            from: work
            steps:
              - delay: \(delay)
        """
    }

    @Test func onTheMemoryBrokerShutdownHandsTheBacklogToTheConsumersWithinTheGrace() async throws {
        let harness = try await PipelineHarness.start(yaml: Self.tenJobs(each: "100ms"), grace: .seconds(5))
        let summary = try await harness.shutdown(limit: .seconds(20))
        #expect(summary.consumers[0].stats.processed == 10, "one event every 100 ms fits the 5 s grace")
        #expect(summary.lost == 0 && !summary.failed)
        #expect(harness.scheduler.now >= .seconds(1))
    }

    @Test func whatTheGraceCannotHandleIsCountedAsLost() async throws {
        let harness = try await PipelineHarness.start(yaml: Self.tenJobs(each: "1s"), grace: .milliseconds(2500))
        let summary = try await harness.shutdown(limit: .seconds(20))
        let processed = summary.consumers[0].stats.processed
        #expect(processed >= 2 && processed < 10)
        #expect(summary.lost == 10 - processed, "every stored event is handled or counted")
        #expect(summary.failed)
    }

    @Test func aProducerThatCannotEndDoesNotHoldTheShutdownPastTheGrace() async throws {
        // The consumer never finishes its event, so the producer's last records never find room.
        let yaml = """
            version: 1
            topics:
              work: { capacity: 1 }
            producers:
              source:
                to: work
                generate: { count: 3, event: { type: Job } }
            consumers:
              stuck:
                from: work
                steps:
                  - delay: 1h
            """
        let harness = try await PipelineHarness.start(yaml: yaml, grace: .seconds(1))
        let summary = try await harness.shutdown(limit: .seconds(4))
        // At most one grace waiting for the producer, then one for the drain.
        #expect(harness.scheduler.now <= .milliseconds(2010))
        #expect(summary.unfinished == 1)
    }

    @Test func shutdownDrainsInFlightWorkWithinTheGrace() async throws {
        let yaml = """
            version: 1
            topics:
              work: { key: data.id }
            consumers:
              slow:
                from: work
                concurrency: 2
                steps:
                  - route:
                      - when: data.id == "quick"
                        steps: [{ delay: 100ms }]
                      - steps: [{ delay: 5s }]
            """
        let harness = try await PipelineHarness.start(yaml: yaml, grace: .seconds(1))
        let events = ["quick", "slow"].map {
            CloudEvent(id: $0, source: "test", type: "Job", data: ["id": .string($0)])
        }
        try await harness.publish(events, to: "work")
        let summary = try await harness.shutdown(step: .milliseconds(10), limit: .seconds(10))
        #expect(summary.consumers[0].stats.processed == 1)
        #expect(summary.unfinished == 1)
    }
}
