import FlowCore
import Testing

/// `Pipeline.feedbackTopics(of:)`: one publish edge per cycle (a back edge of the walk) goes past capacity.
struct PipelineFeedbackTests {
    static let pipeline = """
        version: 1
        topics:
          orders: {}
          payments: {}
          audit: {}
          orders.dlq: {}
          reports: {}
        consumers:
          billing:
            from: orders
            dead_letter: orders.dlq
            steps:
              - route:
                  - { when: data.total > 0, to: payments }
                  - steps: [{ emit: reports }]
          refunds:
            from: payments
            steps:
              - emit: orders
          auditor:
            from: audit
            steps:
              - emit: audit
          replayer:
            from: orders.dlq
            steps:
              - emit: audit
        """

    @Test(arguments: [
        // orders → payments → orders is one cycle: walked from orders (declared first), only its back edge
        // payments → orders is exempt, so billing keeps waiting for room in payments (memory stays bounded).
        ("billing", []),
        ("refunds", ["orders"]),
        ("auditor", ["audit"]),  // its own source
        ("replayer", []),  // audit never reaches orders.dlq
    ])
    func oneEdgeOfEachCycleIsFeedback(consumer: String, expected: [String]) throws {
        let result = LoaderProbe.load(Self.pipeline)
        let pipeline = try #require(result.pipeline, "\(result.diagnostics)")
        let found = try #require(pipeline.consumers.first { $0.name == consumer })
        #expect(pipeline.feedbackTopics(of: found).sorted() == expected)
    }

    @Test func theWalkStartsAtTheProducersTopicsSoTheEdgeBackToThemIsExempt() throws {
        // Declared in the other order, but a producer writes orders: the walk starts there all the same.
        let text = Self.pipeline.replacingOccurrences(
            of: "  orders: {}\n  payments: {}\n",
            with: "  payments: {}\n  orders: {}\n"
        )
        .replacingOccurrences(
            of: "consumers:\n",
            with: "producers:\n  shop: { to: orders, generate: { count: 1, event: { type: T } } }\nconsumers:\n"
        )
        let result = LoaderProbe.load(text)
        let pipeline = try #require(result.pipeline, "\(result.diagnostics)")
        let refunds = try #require(pipeline.consumers.first { $0.name == "refunds" })
        let billing = try #require(pipeline.consumers.first { $0.name == "billing" })
        #expect(pipeline.feedbackTopics(of: refunds) == ["orders"])
        #expect(pipeline.feedbackTopics(of: billing).isEmpty)
    }

    @Test func emitTargetsIncludeRouteShorthandsAndNestedEmitsInStepOrder() throws {
        let result = LoaderProbe.load(Self.pipeline)
        let billing = try #require(result.pipeline?.consumers.first)
        #expect(billing.emitTargets == ["payments", "reports"])
    }
}
