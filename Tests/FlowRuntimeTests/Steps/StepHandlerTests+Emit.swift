import FlowCore
import Testing

@testable import FlowRuntime

extension StepHandlerTests {
    @Test func theEmitShorthandDerivesANewEventKeyedByTheTargetTopic() throws {
        let h = try StepHarness("steps:\n  - emit: payments")
        let emitted = try #require(try h.run(order()).emitted)
        let out = try #require(emitted.first)
        #expect(emitted.count == 1)
        #expect(out.topic == "payments")
        #expect(out.key == "c7")
        #expect(out.event.id != "e1")
        #expect(out.event.id.count == 36)
        #expect(out.event.source == "flow/c")
        #expect(out.event.type == "OrderCreated")
        #expect(out.event.subject == "orders/e1")
        #expect(out.event.time == "2026-01-01T00:00:00.000Z")
        #expect(out.event.data == ["n": 2, "customer": "c7"])
        #expect(out.event.extensions == ["tenant": "t1"])
    }

    @Test func theFullEmitFormSetsTypeDataAndAnExplicitKey() throws {
        let h = try StepHarness(
            """
            steps:
              - emit: { to: payments, type: "Paid${data.n}", key: subject, data: { order: "${id}", n: "${data.n}" } }
            """
        )
        let out = try #require(try h.run(order()).emitted?.first)
        #expect(out.topic == "payments")
        #expect(out.key == "orders/e1")
        #expect(out.event.type == "Paid2")
        #expect(out.event.data == ["order": "e1", "n": 2])
    }

    @Test func withoutAnExplicitKeyTheTopicKeyReadsTheEmittedEvent() throws {
        let h = try StepHarness("steps:\n  - emit: { to: payments, data: { customer: \"new-${data.customer}\" } }")
        #expect(try h.run(order()).emitted?.first?.key == "new-c7")
    }

    @Test func aTopicWithoutKeyGetsNoKey() throws {
        let h = try StepHarness("steps:\n  - emit: audit")
        let out = try #require(try h.run(order()).emitted?.first)
        #expect(out.key == nil)
    }

    @Test func emittedEventsComeBackInStepOrderWithDistinctIds() throws {
        let h = try StepHarness(
            """
            steps:
              - emit: { to: audit, type: First }
              - set: { data.n: 5 }
              - emit: { to: payments, type: Second }
            """
        )
        let emitted = try #require(try h.run(order()).emitted)
        #expect(emitted.map(\.event.type) == ["First", "Second"])
        #expect(emitted.map(\.topic) == ["audit", "payments"])
        #expect(emitted[1].event.data["n"] == 5)
        #expect(emitted[0].event.id != emitted[1].event.id)
    }

    @Test func theEmittedTimeFollowsTheClock() throws {
        let h = try StepHarness("steps:\n  - delay: 1500ms\n  - emit: audit")
        let outcome = h.start(order())
        h.scheduler.advance(by: .milliseconds(1500))
        #expect(outcome.result?.emitted?.first?.event.time == "2026-01-01T00:00:01.500Z")
    }
}
