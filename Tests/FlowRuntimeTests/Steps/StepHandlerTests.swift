import FlowCore
import Testing

@testable import FlowRuntime

struct StepHandlerTests {
    @Test func synchronousStepsCompleteInsideHandleExactlyOnce() throws {
        let h = try StepHarness("steps:\n  - log: \"hi\"")
        let outcome = h.start(order())
        #expect(outcome.calls == 1)
        #expect(outcome.result?.emitted?.isEmpty == true)
    }

    @Test(arguments: [(2, false), (9, true)])
    func theConsumerFilterCommitsRejectedEventsAsFiltered(n: Int, passes: Bool) throws {
        let h = try StepHarness(
            """
            filter: data.n > 5
            steps:
              - emit: audit
            """
        )
        let result = try h.run(order(data: ["n": .int(n)]))
        #expect(result.isFiltered == !passes)
        #expect(result.emitted?.count == (passes ? 1 : nil))
    }

    @Test func aFilterStepStopsLaterSteps() throws {
        let h = try StepHarness(
            """
            steps:
              - filter: type == "Other"
              - emit: audit
            """
        )
        #expect(try h.run(order()).isFiltered)
    }

    @Test(arguments: [
        (
            "filter: data.n\nsteps:\n  - emit: audit",
            "expression failed in filter: condition \"data.n\" is int, not bool"
        ),
        (
            "steps:\n  - filter: data.customer",
            "expression failed in step 1 (filter): condition \"data.customer\" is string, not bool"
        ),
    ])
    func aConditionThatIsNotBoolIsAPermanentFailure(consumer: String, expected: String) throws {
        let h = try StepHarness(consumer)
        let failure = try #require(try h.run(order()).failure)
        #expect(failure.message == expected)
        #expect(failure.permanent)
    }

    @Test func theLogShorthandLogsTheRenderedTextAtInfoWithTheEventsFields() throws {
        let h = try StepHarness(
            """
            steps:
              - log: "order ${id} has n=${data.n}"
            """
        )
        _ = try h.run(order(), attempt: 2)
        let entry = try #require(h.logs.entries("order e1 has n=2").first)
        #expect(entry.level == .info)
        #expect(entry.metadata["flow.consumer"] == "c")
        #expect(entry.metadata["flow.event_id"] == "e1")
        #expect(entry.metadata["flow.attempt"] == "2")
    }

    @Test func theFullLogFormChoosesTheLevel() throws {
        let h = try StepHarness(
            """
            steps:
              - log: { message: "careful with ${subject}", level: warning }
            """
        )
        _ = try h.run(order())
        #expect(h.logs.entries("careful with orders/e1").map(\.level) == [.warning])
    }

    @Test(arguments: [
        ("data.total: \"${data.n * 10}\"", "data", Value.object(["n": 2, "customer": "c7", "total": 20])),
        ("data.a.b: 1", "data", Value.object(["n": 2, "customer": "c7", "a": ["b": 1]])),
        ("data: { replaced: true }", "data", Value.object(["replaced": true])),
        ("type: \"Order${data.n}\"", "type", Value.string("Order2")),
        ("subject: \"${data.customer}\"", "subject", Value.string("c7")),
        ("subject: null", "subject", Value.null),
        ("ext.region: \"eu-${data.n}\"", "region", Value.string("eu-2")),
        ("ext.tenant: null", "tenant", Value.null),
    ])
    func setAssignsEachTarget(assignment: String, attribute: String, expected: Value) throws {
        let h = try StepHarness(
            """
            steps:
              - set: { \(assignment) }
              - emit: audit
            """
        )
        let emitted = try #require(try h.run(order()).emitted?.first)
        #expect((emitted.event.attribute(attribute) ?? .null) == expected)
    }

    @Test func setAssignsInOrderAndRendersNestedValuesWithTheirTypes() throws {
        let h = try StepHarness(
            """
            steps:
              - set:
                  data.double: "${data.n * 2}"
                  data.summary: { total: "${data.double + 1}", tags: ["x", "${type}", 3] }
              - emit: audit
            """
        )
        let data = try #require(try h.run(order()).emitted?.first?.event.data)
        #expect(data["double"] == .int(4))
        #expect(data["summary"] == ["total": 5, "tags": ["x", "OrderCreated", 3]])
    }

    @Test func anEvaluationErrorIsAPermanentFailureNamingTheStep() throws {
        let h = try StepHarness(
            """
            steps:
              - log: "first"
              - set: { data.x: "${int(data.customer)}" }
            """
        )
        let failure = try #require(try h.run(order()).failure)
        #expect(failure.message.hasPrefix("expression failed in step 2 (set): "))
        #expect(failure.message.count > "expression failed in step 2 (set): ".count)
        #expect(failure.permanent)
    }

    @Test func settingTheTypeToNullFailsPermanently() throws {
        let h = try StepHarness("steps:\n  - set: { type: \"${data.missing}\" }")
        let failure = try #require(try h.run(order()).failure)
        #expect(failure.message == "expression failed in step 1 (set): type must be a non-empty string, got null")
        #expect(failure.permanent)
    }

    @Test(arguments: [(1, true), (2, true), (3, false)])
    func theFailShorthandFailsRetryablyWhileItsConditionHolds(attempt: Int, fails: Bool) throws {
        let h = try StepHarness("steps:\n  - fail: attempt < 3")
        let result = try h.run(order(), attempt: attempt)
        #expect(result.failure?.message == (fails ? "declared fault" : nil))
        #expect(result.failure?.permanent == (fails ? false : nil))
        #expect((result.emitted != nil) == !fails)
    }

    @Test func theFullFailFormRendersItsMessageAndCanBePermanent() throws {
        let h = try StepHarness(
            """
            steps:
              - fail: { when: "data.n % 2 == 0", permanent: true, message: "even n ${data.n}" }
            """
        )
        let failure = try #require(try h.run(order()).failure)
        #expect(failure.message == "even n 2")
        #expect(failure.permanent)
        #expect(try h.run(order(data: ["n": 3])).emitted?.isEmpty == true)
    }

    @Test func aFailWithoutConditionAlwaysFails() throws {
        let h = try StepHarness("steps:\n  - fail: {}")
        #expect(try h.run(order()).failure?.message == "declared fault")
    }

    @Test(arguments: ["- drop", "- drop: data.n == 2", "- drop: { when: data.n == 2 }"])
    func dropStopsTheEventAsDropped(step: String) throws {
        let h = try StepHarness("steps:\n  \(step)\n  - emit: audit")
        #expect(try h.run(order()).isDropped)
    }

    @Test func aConditionalDropLetsOtherEventsThrough() throws {
        let h = try StepHarness("steps:\n  - drop: data.n > 5\n  - emit: audit")
        #expect(try h.run(order()).emitted?.count == 1)
    }

    @Test func delayWaitsOnTheSchedulerThenContinues() throws {
        let h = try StepHarness(
            """
            steps:
              - delay: 2s
              - log: "after the delay"
            """
        )
        let outcome = h.start(order())
        h.scheduler.advance(by: .milliseconds(1999))
        #expect(outcome.result == nil)
        #expect(h.logs.entries("after the delay").isEmpty)
        h.scheduler.advance(by: .milliseconds(1))
        #expect(outcome.result?.emitted?.isEmpty == true)
        #expect(outcome.calls == 1)
        #expect(h.logs.entries("after the delay").count == 1)
    }

    @Test func stepsAfterADelayThatOutlastsTheTimeoutNeverRun() throws {
        let h = try StepHarness(
            """
            timeout: 1s
            steps:
              - delay: 2s
              - log: "too late"
            """
        )
        let outcome = h.start(order())
        h.scheduler.advance(by: .seconds(2))
        let failure = try #require(outcome.result?.failure)
        #expect(failure.message == "attempt timed out after 1s")
        #expect(!failure.permanent)
        #expect(h.logs.entries("too late").isEmpty)
    }

    @Test func randomDrawsRepeatPerRecordAndAttemptUnderASeed() throws {
        let consumer = "steps:\n  - emit: { to: audit, data: { r: \"${random_int(0, 1000000)}\" } }"
        let first = try StepHarness(consumer, seed: 1)
        let again = try StepHarness(consumer, seed: 1)
        let other = try StepHarness(consumer, seed: 2)
        func draw(_ h: StepHarness, attempt: Int = 1, offset: Int64 = 0) throws -> [Value?] {
            let event = try #require(try h.run(order(), attempt: attempt, offset: offset).emitted?.first?.event)
            return [event.data["r"], .string(event.id)]
        }
        #expect(try draw(first) == draw(again))
        #expect(try draw(first) != draw(other))
        #expect(try draw(first) != draw(first, attempt: 2))
        #expect(try draw(first) != draw(first, offset: 1))
    }
}
