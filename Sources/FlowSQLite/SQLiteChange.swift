import FlowRuntime

/// One change the broker journaled, as the writer will apply it.
enum SQLiteChange {
    case topic(TopicSpec)
    case group(String, topic: String, starts: [Int64])
    case record(BrokerRecord, topic: String)
    case acks([RecordPosition], topic: String, group: String, committed: [Int: Int64])
    case drop(topic: String, partition: Int, below: Int64, evicted: Int)
    case checkpoint(String, ProducerCheckpoint)
    case retry(RecordPosition, topic: String, group: String, RetryState)
    case begun(RecordPosition, topic: String, group: String, count: Int)
    /// The run ends with every attempt finished (`SQLiteSchema`'s `meta`).
    case clean
}
