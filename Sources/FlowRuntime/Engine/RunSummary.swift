import FlowCore

/// What a run did, for the end-of-run table, `--report FILE` and tests.
///
/// Invariant: `failed` is true exactly when something was not delivered as the pipeline promised: an event
/// exhausted its retries without a dead-letter topic, a producer saw malformed input without a dead-letter
/// topic, or a producer failed outright. `flow run` then exits 1.
public struct RunSummary: Sendable, Hashable {
    public struct TopicRow: Sendable, Hashable {
        public var name: String
        public var published: Int
        /// Records still held (unread dead-letter topics keep theirs for inspection).
        public var retained: Int
    }

    public struct ProducerRow: Sendable, Hashable {
        public var name: String
        public var topic: String
        public var published: Int
        public var malformed: Int
        public var deadLettered: Int
        /// Set when the producer could not run at all (a missing file, say).
        public var failure: String?
    }

    public struct ConsumerRow: Sendable, Hashable {
        public var name: String
        public var group: String
        public var topic: String
        public var stats: ConsumerStats
    }

    public var pipeline: String
    public var seed: UInt64
    public var elapsed: Duration
    public var topics: [TopicRow]
    public var producers: [ProducerRow]
    public var consumers: [ConsumerRow]
    /// Consumers whose drain ended with work still unfinished at the grace deadline.
    public var unfinished: Int

    public var failed: Bool {
        consumers.contains { $0.stats.exhausted > 0 }
            || producers.contains { $0.failure != nil || $0.malformed > 0 }
    }

    /// Events handled successfully by all consumers together.
    public var processed: Int { consumers.reduce(0) { $0 + $1.stats.processed } }
}
