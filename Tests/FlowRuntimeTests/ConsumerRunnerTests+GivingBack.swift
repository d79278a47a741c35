import Dispatch
import FlowCore
import Synchronization
import Testing

@testable import FlowRuntime

/// A subscription whose member stops holding the partitions a test names (as a Redis member whose lease
/// lapsed): it records what the runner acks and gives back.
private final class LapsingSubscription: BrokerSubscription {
    let unheld = Mutex<Set<Int>>([])
    let acked = Mutex<[RecordPosition]>([])
    let released = Mutex<[RecordPosition]>([])

    var lease: Lease { .renewable(.seconds(10)) }
    func ack(_ positions: [RecordPosition]) { acked.withLock { $0 += positions } }
    func commit(
        _ steps: [CommitStep],
        queue: DispatchQueue,
        completion: @escaping @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
    ) {
        acked.withLock { $0 += steps.map(\.ack) }
        queue.async { completion(0..<steps.count, .success(())) }
    }
    func retrying(_ position: RecordPosition, _ state: RetryState) {}
    func renew(_ positions: [RecordPosition]) {}
    func holds(_ position: RecordPosition) -> Bool { !unheld.withLock { $0.contains(position.partition) } }
    func release(_ positions: [RecordPosition]) { released.withLock { $0 += positions } }
    func close(completion: @escaping @Sendable () -> Void) { completion() }
}

extension ConsumerRunnerTests {
    @Test func recordsOfAPartitionNoLongerHeldAreGivenBackUnstartedWithTheRestOfTheirKey() async throws {
        let h = try await RunnerHarness.make(
            ConsumerConfiguration(name: "c", topic: "orders", group: "g", concurrency: 1)
        ) { _ in .hold }
        let subscription = LapsingSubscription()
        h.scheduler.execute(on: h.runner.queue) { h.runner.subscription = subscription }
        func record(_ id: String, partition: Int, offset: Int64, key: String) -> BrokerRecord {
            BrokerRecord(
                position: RecordPosition(partition: partition, offset: offset),
                key: key,
                event: CloudEvent(id: id, source: "tests", type: "Test")
            )
        }
        let records = [
            record("e0", partition: 0, offset: 0, key: "a"),
            record("e1", partition: 1, offset: 0, key: "b"),
            record("e2", partition: 1, offset: 1, key: "b"),
            record("e3", partition: 0, offset: 1, key: "c"),
        ]
        h.scheduler.execute(on: h.runner.queue) { h.runner.receive(records) }
        h.scheduler.settle()
        #expect(h.handler.callDescriptions == ["e0#1@0ms"], "one at a time: the others wait")

        subscription.unheld.withLock { $0 = [1] }
        h.complete("e0")
        #expect(h.handler.callDescriptions == ["e0#1@0ms", "e3#1@0ms"], "partition 1 is not started")
        #expect(subscription.released.withLock { $0 } == [records[1].position, records[2].position])
        h.complete("e3")
        #expect(subscription.acked.withLock { $0 } == [records[0].position, records[3].position])
        #expect(h.stats.givenBack == 2)
        #expect(h.stats.processed == 2)
    }
}
