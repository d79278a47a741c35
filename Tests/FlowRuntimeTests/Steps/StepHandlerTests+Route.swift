import FlowCore
import Testing

@testable import FlowRuntime

extension StepHandlerTests {
    static let routing = """
        steps:
          - route:
              - when: data.n > 10
                to: payments
              - when: data.n > 5
                steps:
                  - emit: audit
                  - set: { data.flag: "medium" }
              - steps:
                  - set: { data.flag: "small" }
          - emit: { to: audit, type: After }
        """

    @Test(
        arguments: [
            (20, ["payments:OrderCreated", "audit:After"], nil),
            (7, ["audit:OrderCreated", "audit:After"], "medium"),
            (1, ["audit:After"], "small"),
        ] as [(Int, [String], String?)]
    )
    func routeRunsTheFirstMatchingCaseThenTheStepsAfterIt(n: Int, expected: [String], flag: String?) throws {
        let h = try StepHarness(Self.routing)
        let emitted = try #require(try h.run(order(data: ["n": .int(n), "customer": "c7"])).emitted)
        #expect(emitted.map { "\($0.topic):\($0.event.type)" } == expected)
        #expect(emitted.last?.event.data["flag"] == flag.map(Value.string))
    }

    @Test func aRouteWithNoMatchingCaseContinues() throws {
        let h = try StepHarness(
            """
            steps:
              - route:
                  - when: data.n > 10
                    to: payments
              - emit: audit
            """
        )
        #expect(try h.run(order()).emitted?.map(\.topic) == ["audit"])
    }

    @Test func aDropInsideARouteCaseStopsTheWholeEvent() throws {
        let h = try StepHarness(
            """
            steps:
              - route:
                  - when: data.n == 2
                    steps:
                      - drop
              - emit: audit
            """
        )
        #expect(try h.run(order()).isDropped)
    }

    @Test func aDelayInsideARouteCaseResumesWhereItStopped() throws {
        let h = try StepHarness(
            """
            steps:
              - route:
                  - when: data.n == 2
                    steps:
                      - delay: 1s
                      - set: { data.late: true }
                  - steps:
                      - set: { data.default: true }
              - emit: audit
            """
        )
        let outcome = h.start(order())
        #expect(outcome.result == nil)
        h.scheduler.advance(by: .seconds(1))
        let data = try #require(outcome.result?.emitted?.first?.event.data)
        #expect(data["late"] == true)
        #expect(data["default"] == nil)
    }

    @Test func nestedStepsAreNamedByStepCaseAndStepInFailures() throws {
        let h = try StepHarness(
            """
            steps:
              - log: "one"
              - route:
                  - when: data.n == 1
                    to: audit
                  - when: data.n == 2
                    steps:
                      - log: "two"
                      - set: { data.x: "${int(data.customer)}" }
            """
        )
        let failure = try #require(try h.run(order()).failure)
        #expect(failure.message.hasPrefix("expression failed in step 2.2.2 (set): "))
    }

    @Test func aRouteConditionThatIsNotBoolNamesItsCase() throws {
        let h = try StepHarness(
            """
            steps:
              - route:
                  - when: data.customer
                    to: audit
            """
        )
        let failure = try #require(try h.run(order()).failure)
        #expect(
            failure.message == "expression failed in step 1.1 (when): condition \"data.customer\" is string, not bool"
        )
    }
}
