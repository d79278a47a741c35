import FlowCore
import FlowRuntime
import Foundation
import Testing

@testable import FlowCLI

/// The end-of-run table and the `--report` document.
struct RunSummaryRendererTests {
    static var summary: RunSummary {
        var stats = ConsumerStats()
        stats.received = 12
        stats.processed = 9
        stats.filtered = 1
        stats.deadLettered = 1
        stats.exhausted = 1
        stats.retried = 4
        stats.p50 = .microseconds(120)
        stats.p99 = .milliseconds(15)
        return RunSummary(
            pipeline: "orders",
            seed: 7,
            elapsed: .milliseconds(1250),
            topics: [
                .init(name: "orders", published: 12, retained: 0), .init(name: "orders.dlq", published: 1, retained: 1),
            ],
            producers: [.init(name: "shop", topic: "orders", published: 12, malformed: 0, deadLettered: 0)],
            consumers: [.init(name: "billing", group: "billing", topic: "orders", stats: stats)],
            unfinished: 0
        )
    }

    @Test func theTableAlignsNamesLeftAndNumbersRight() {
        #expect(
            RunSummaryRenderer.text(Self.summary) == """
                flow run orders: 13 published, 9 processed in 1.25 s — FAILED

                topic       published  retained  lost
                orders             12         0     0
                orders.dlq          1         1     0

                producer  topic   published  malformed  dead-lettered
                shop      orders         12          0              0

                consumer  processed  filtered  dropped  retried  dead-lettered  failed     p50   p99
                billing           9         1        0        4              1       1  0.12ms  15ms
                """
        )
    }

    @Test func eventsTheMemoryBrokerCouldNotHandOverAreLostAndFailTheRun() {
        var summary = Self.summary
        summary.consumers = []
        summary.topics = [.init(name: "orders", published: 12, retained: 5, unhandled: 5)]
        let text = RunSummaryRenderer.text(summary)
        #expect(summary.failed)
        #expect(summary.lost == 5)
        #expect(text.contains("orders         12         5     5"))
        #expect(
            text.hasSuffix(
                "error: 5 stored events were lost: the run ended before they were handled and the "
                    + "memory broker cannot keep them (use a longer --grace, or --broker sqlite:PATH)"
            )
        )
        #expect(RunSummaryRenderer.json(summary)["lost"] == 5)
    }

    @Test func eventsADurableStoreKeepsAreLeftForTheNextRunAndDoNotFailIt() {
        var summary = Self.summary
        summary.consumers = []
        summary.topics = [.init(name: "orders", published: 12, retained: 5, unhandled: 5, kept: true)]
        let text = RunSummaryRenderer.text(summary)
        #expect(!summary.failed)
        #expect(summary.left == 5 && summary.lost == 0)
        #expect(text.contains("topic   published  retained  left"))
        #expect(text.hasSuffix("note: 5 stored events were left in the store for the next run"))
    }

    @Test func theReportIsJSONWithEveryCounter() throws {
        let report = RunSummaryRenderer.json(Self.summary)
        let parsed = try Value(json: Data(report.prettyJSONString.utf8))
        #expect(parsed["seed"] == "7")
        #expect(parsed["elapsed_ms"]?.number == 1250)
        #expect(report["failed"] == true)
        guard case .array(let consumers)? = parsed["consumers"] else {
            Issue.record("no consumers")
            return
        }
        #expect(consumers.first?["failed"] == 1)
        #expect(consumers.first?["p99_ms"]?.number == 15)
    }

    @Test func onASharedBrokerTheSummarySaysWhichMemberHeldWhichPartitions() throws {
        var summary = Self.summary
        summary.ownership = [
            PartitionOwnership(member: "billing@a:1:7", topic: "orders", group: "billing", partitions: [0, 2]),
            PartitionOwnership(member: "audit@a:1:7", topic: "orders", group: "audit", partitions: []),
        ]
        let text = RunSummaryRenderer.text(summary)
        #expect(
            text.contains("member         topic   group    partitions\nbilling@a:1:7  orders  billing         0,2"),
            "\(text)"
        )
        #expect(text.contains("audit@a:1:7    orders  audit             -"), "\(text)")
        guard case .object(let fields) = RunSummaryRenderer.json(summary), case .array(let rows)? = fields["ownership"]
        else {
            Issue.record("no ownership in the report")
            return
        }
        #expect(
            rows.first == ["member": "billing@a:1:7", "topic": "orders", "group": "billing", "partitions": [0, 2]]
        )
        guard case .object(let single) = RunSummaryRenderer.json(Self.summary) else { return }
        #expect(single["ownership"] == nil, "a single-process report keeps its shape")
    }
}
