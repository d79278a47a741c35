import FlowCore
import Testing

/// `Pipeline.feedbackTopics(of:)`: the publishes that close a cycle back to a consumer's own source.
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
        ("billing", ["payments"]),  // payments → refunds → orders; reports and the dead-letter topic lead nowhere back
        ("refunds", ["orders"]),  // orders → billing → payments
        ("auditor", ["audit"]),  // its own source
        ("replayer", []),  // audit never reaches orders.dlq
    ])
    func onlyTopicsLeadingBackToTheSourceAreFeedback(consumer: String, expected: [String]) throws {
        let result = LoaderProbe.load(Self.pipeline)
        let pipeline = try #require(result.pipeline, "\(result.diagnostics)")
        let found = try #require(pipeline.consumers.first { $0.name == consumer })
        #expect(pipeline.feedbackTopics(of: found).sorted() == expected)
    }

    @Test func emitTargetsIncludeRouteShorthandsAndNestedEmitsInStepOrder() throws {
        let result = LoaderProbe.load(Self.pipeline)
        let billing = try #require(result.pipeline?.consumers.first)
        #expect(billing.emitTargets == ["payments", "reports"])
    }
}
