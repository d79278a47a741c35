import FlowCore
import FlowRuntime
import Testing

@testable import FlowCLI

/// The lines `flow dlq replay` prints: one per kind of outcome, what was left behind named per topic.
struct DeadLetterReplaySummaryTests {
    @Test func whatHadNoRoomIsNamedPerTopicBesideWhatWasReplayed() {
        var report = DeadLetterReplay.Report()
        report.replayed = [
            (CloudEvent(id: "a", source: "s", type: "T"), "payments"),
            (CloudEvent(id: "b", source: "s", type: "T"), "orders"),
        ]
        report.gone = 1
        report.leftForRoom = ["orders": 3, "audit": 1]
        let text = DeadLetterReplayCommand.summary(of: report, from: "all.dlq", of: "store.db", dryRun: false)
        #expect(
            text.split(separator: "\n") == [
                #"replayed 2 dead letters from "all.dlq" of store.db: 1 to "orders", 1 to "payments""#,
                "skipped 1 already gone (replayed or evicted by someone else meanwhile)",
                #"left 1 dead letter for "audit" where it is: "audit" is at capacity; run the replay again once its consumers caught up"#,
                #"left 3 dead letters for "orders" where they are: "orders" is at capacity; run the replay again once its consumers caught up"#,
            ]
        )
    }
}
