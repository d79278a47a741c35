import Foundation
import Testing

/// `flow explain` as users run it: the schedule of a failing event, from the file alone.
struct ExplainCommandTests {
    func explain(_ arguments: String...) throws -> ChildProcess.Outcome {
        try ChildProcess.run(try FlowBinaryTests.flowBinary(), ["explain"] + arguments)
    }

    @Test func theScheduleOfAJitteredExponentialPolicyHasItsBounds() throws {
        let outcome = try explain("pipelines/retry-and-dlq.yml", "charge")
        #expect(outcome.status == 0, "\(outcome)")
        let rows = outcome.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        // Full jitter can wait nothing; each latest start adds the 1s timeout and the largest wait.
        #expect(rows.contains(["1", "0s", "0s", "1s"]))
        #expect(rows.contains(["2", "0s", "1.01s", "1s"]))
        #expect(rows.contains(["4", "0s", "3.07s", "1s"]), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("after the last attempt: dead-lettered to payments.dlq"))
        #expect(
            outcome.stdout.contains("the later events with the same key (data.customer) of payments for up to 4.07s")
        )
    }

    @Test func withoutATimeoutTheLatestStartIsUnbounded() throws {
        let outcome = try explain("pipelines/ordered-retries.yml")
        #expect(outcome.status == 0)
        let rows = outcome.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.contains(["2", "20ms", "unbounded", "none"]), "\(outcome.stdout)")
        #expect(rows.contains(["3", "40ms", "unbounded", "none"]))
    }

    @Test func anUnknownConsumerIsAnErrorWithASuggestion() throws {
        let outcome = try explain("pipelines/retry-and-dlq.yml", "charg")
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("has no consumer \"charg\"; did you mean \"charge\"?"), "\(outcome)")
    }
}
