import FlowCore
import FlowRuntime
import Foundation
import Testing

@testable import FlowSQLite

/// One transaction's acks, drops and checkpoints fold into one change each, at the place of the last one.
struct SQLiteFoldingTests {
    private func at(_ partition: Int, _ offset: Int64) -> RecordPosition {
        RecordPosition(partition: partition, offset: offset)
    }

    private func checkpoint(_ produced: Int64) -> ProducerCheckpoint {
        ProducerCheckpoint(source: "", produced: produced, offset: produced, random: 0)
    }

    @Test func acksOfAGroupFoldIntoTheLastWithEveryPositionAndTheHighestWatermarks() throws {
        let retry = RetryState(attempts: 1, due: Date(), firstFailure: Date(), lastError: "timeout")
        let changes: [SQLiteChange] = [
            .acks([at(0, 1)], topic: "orders", group: "billing", committed: [:]),
            .acks([at(0, 0)], topic: "orders", group: "shipping", committed: [0: 1]),
            .retry(at(1, 4), topic: "orders", group: "billing", retry),
            .acks([at(0, 0), at(1, 0)], topic: "orders", group: "billing", committed: [0: 2, 1: 1]),
            .acks([at(0, 2)], topic: "orders", group: "billing", committed: [0: 3]),
        ]
        let folding = SQLiteFolding(changes)
        #expect(folding.acks.keys.sorted() == [1, 4])
        let billing = try #require(folding.acks[4])
        #expect(billing.positions == [at(0, 1), at(0, 0), at(1, 0), at(0, 2)])
        #expect(billing.committed == [0: 3, 1: 1])
        #expect(folding.acks[1]?.committed == [0: 1])
    }

    @Test func dropsOfAPartitionAndCheckpointsOfAProducerKeepTheLast() {
        let changes: [SQLiteChange] = [
            .drop(topic: "orders", partition: 0, below: 10, evicted: 2),
            .checkpoint("gen", checkpoint(5)),
            .drop(topic: "orders", partition: 1, below: 3, evicted: 0),
            .drop(topic: "orders", partition: 0, below: 12, evicted: 1),
            .checkpoint("gen", checkpoint(9)),
            .checkpoint("file", checkpoint(1)),
        ]
        let folding = SQLiteFolding(changes)
        #expect(folding.drops.keys.sorted() == [2, 3])
        #expect(folding.drops[3]?.below == 12)
        #expect(folding.drops[3]?.evicted == 3)
        #expect(folding.drops[2]?.below == 3)
        #expect(folding.checkpoints == [4, 5])
    }
}
