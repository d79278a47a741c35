import FlowCore
import FlowRuntime
import Synchronization

/// A `BrokerJournal` that keeps nothing durable but remembers every record the broker stored, per topic in
/// the order stored: what a test's topic expectations read, even for topics whose records every group acked
/// (and the broker therefore deleted).
///
/// Invariant: commits complete at once (there is nothing to wait for), so a broker with this journal behaves
/// exactly as one without, in the same order and on the same clock.
final class RecordingJournal: BrokerJournal {
    private let records = Mutex<[String: [CloudEvent]]>([:])

    /// Every event stored in `topic` so far.
    func events(of topic: String) -> [CloudEvent] {
        records.withLock { $0[topic] ?? [] }
    }

    func stored(_ record: BrokerRecord, in topic: String) {
        records.withLock { $0[topic, default: []].append(record.event) }
    }

    func afterCommit(_ work: @escaping @Sendable (BrokerError?) -> Void) { work(nil) }

    func declared(_ spec: TopicSpec) {}
    func declaredGroup(_ group: String, on topic: String, starts: [Int64]) {}
    func acked(_ positions: [RecordPosition], of topic: String, group: String, committed: [Int: Int64]) {}
    func retrying(_ position: RecordPosition, of topic: String, group: String, _ state: RetryState) {}
    func began(_ position: RecordPosition, of topic: String, group: String, count: Int) {}
    func dropped(in topic: String, partition: Int, below offset: Int64, evicted: Int) {}
    func checkpointed(_ producer: String, at checkpoint: ProducerCheckpoint) {}
}
