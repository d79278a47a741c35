import FlowTesting
import MetricsTestKit
import Testing

/// The metrics a run records equal its summary, on the real loader, broker and runners, in virtual time.
struct MetricsTests {
    static let yaml = """
        version: 1
        topics:
          orders: { partitions: 2, key: data.customer }
          orders.dlq: {}
          shipments: {}
        producers:
          shop:
            to: orders
            generate:
              count: 40
              event: { type: Order, data: { n: "${seq()}", customer: "c-${seq() % 5}" } }
        consumers:
          check:
            from: orders
            retry: { max_attempts: 3, backoff: constant, initial: 100ms }
            dead_letter: orders.dlq
            steps:
              - drop: { when: data.n % 8 == 7 }
              - fail: { when: data.n % 10 == 0, permanent: true, message: "declined" }
              - fail: { when: data.n % 3 == 0 && attempt < 2, message: "busy" }
              - emit: { to: shipments }
          ship:
            from: shipments
            filter: data.n % 2 == 0
            steps:
              - delay: 250ms
        """

    @Test func theCountersEqualTheSummaryAndTheLagEndsAtZero() async throws {
        let metrics = TestMetrics()
        let harness = try await PipelineHarness.start(yaml: Self.yaml, metrics: metrics)
        _ = try await harness.runUntilIdle()
        let summary = try await harness.shutdown()
        let check = try #require(summary.consumers.first { $0.name == "check" }).stats
        let ship = try #require(summary.consumers.first { $0.name == "ship" }).stats
        #expect(check.processed > 0 && check.dropped > 0 && check.deadLettered > 0 && check.retried > 0)
        #expect(ship.filtered > 0)

        func consumed(_ consumer: String, _ outcome: String) -> Int64 {
            metrics.counterTotal(
                label: MetricName.consumed,
                dimensions: [
                    (MetricDimension.destination, consumer == "check" ? "orders" : "shipments"),
                    (MetricDimension.group, consumer), (MetricDimension.consumer, consumer),
                    (MetricDimension.outcome, outcome),
                ]
            )
        }
        for (name, stats) in [("check", check), ("ship", ship)] {
            #expect(consumed(name, "processed") == Int64(stats.processed))
            #expect(consumed(name, "filtered") == Int64(stats.filtered))
            #expect(consumed(name, "dropped") == Int64(stats.dropped))
            #expect(consumed(name, "dead_lettered") == Int64(stats.deadLettered))
            #expect(consumed(name, "exhausted") == 0)
        }
        #expect(metrics.counterTotal(label: MetricName.retries) == Int64(check.retried))
        let busy = [(MetricDimension.consumer, "check"), (MetricDimension.errorType, "handler")]
        #expect(metrics.counterTotal(label: MetricName.retries, dimensions: busy) == Int64(check.retried))
        let declined = [
            (MetricDimension.consumer, "check"), (MetricDimension.destination, "orders.dlq"),
            (MetricDimension.errorType, "permanent"),
        ]
        #expect(metrics.counterTotal(label: MetricName.deadLettered, dimensions: declined) == Int64(check.deadLettered))

        // Every record stored in a topic was sent by exactly one producer or consumer.
        for topic in summary.topics {
            let sent = metrics.counters(label: MetricName.sent).filter { counter in
                counter.dimensions.contains { $0 == (MetricDimension.destination, topic.name) }
            }
            #expect(sent.reduce(0) { $0 + $1.totalValue } == Int64(topic.published), "\(topic.name)")
        }

        let lag = metrics.recorders(label: MetricName.lag)
        #expect(lag.count == 2 + 1, "one gauge per group and partition")
        #expect(lag.allSatisfy { $0.lastValue == 0 })
        #expect(try metrics.expectGauge(MetricName.inFlight, [(MetricDimension.consumer, "check")]).lastValue == 0)
    }

    @Test func durationsAreMeasuredOnTheRunsClock() async throws {
        let metrics = TestMetrics()
        let harness = try await PipelineHarness.start(yaml: Self.yaml, metrics: metrics)
        let summary = try await harness.runUntilIdle()
        let ship = try #require(summary.consumers.first { $0.name == "ship" }).stats
        let delay = try metrics.expectTimer(
            MetricName.stepDuration,
            [(MetricDimension.consumer, "ship"), (MetricDimension.step, "step 1 (delay)")]
        )
        #expect(delay.values.count == ship.processed)
        #expect(delay.values.allSatisfy { $0 == 250_000_000 })
        let attempts = try metrics.expectTimer(
            MetricName.processDuration,
            [(MetricDimension.destination, "shipments"), (MetricDimension.consumer, "ship")]
        )
        #expect(attempts.values.count == ship.processed + ship.filtered)
        #expect(attempts.values.filter { $0 == 250_000_000 }.count == ship.processed)
    }

    @Test func anOpenBreakerShowsInItsGauge() async throws {
        let yaml = """
            version: 1
            topics:
              jobs: {}
            consumers:
              worker:
                from: jobs
                retry: { max_attempts: 2, backoff: constant, initial: 10ms }
                circuit_breaker: { failures: 2, open_for: 1s }
                steps:
                  - fail: { message: "down" }
            """
        let metrics = TestMetrics()
        let harness = try await PipelineHarness.start(yaml: yaml, metrics: metrics)
        let events = (1...2).map { CloudEvent(id: "e\($0)", source: "test", type: "Job", data: [:]) }
        try await harness.publish(events, to: "jobs")
        harness.advance(by: .milliseconds(50))
        let state = try metrics.expectGauge(MetricName.breakerState, [(MetricDimension.consumer, "worker")])
        #expect(state.lastValue == 2)
        let opened = [(MetricDimension.consumer, "worker"), (MetricDimension.state, "open")]
        #expect(metrics.counterTotal(label: MetricName.breakerTransitions, dimensions: opened) == 1)
    }
}
