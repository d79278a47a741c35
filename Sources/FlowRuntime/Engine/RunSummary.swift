import FlowCore

/// What a run did, for the end-of-run table, `--report FILE` and tests.
///
/// Invariant: `failed` is true exactly when something was not delivered as the pipeline promised: an event
/// exhausted its retries without a dead-letter topic, a producer saw malformed input without a dead-letter
/// topic, a producer failed outright, or stored events were lost at shutdown (a non-durable broker ended
/// with events its groups had not handled). `flow run` then exits 1.
public struct RunSummary: Sendable, Hashable {
    public struct TopicRow: Sendable, Hashable {
        public var name: String
        public var published: Int
        /// Records still held (unread dead-letter topics keep theirs for inspection).
        public var retained: Int
        /// Records some group reading the topic had not handled when the run ended (the most any one group
        /// left): on a non-durable broker they are gone with the process.
        public var unhandled: Int
        /// Whether `unhandled` records stay in a durable store for the next run (else they are lost).
        public var kept: Bool

        /// Records the run ended with and did not handle, when the broker cannot keep them.
        public var lost: Int { kept ? 0 : unhandled }
        /// Records left in a durable store for the next run.
        public var left: Int { kept ? unhandled : 0 }

        public init(name: String, published: Int, retained: Int, unhandled: Int = 0, kept: Bool = false) {
            self.name = name
            self.published = published
            self.retained = retained
            self.unhandled = unhandled
            self.kept = kept
        }
    }

    public struct ProducerRow: Sendable, Hashable {
        public var name: String
        public var topic: String
        public var published: Int
        public var malformed: Int
        public var deadLettered: Int
        /// Set when the producer could not run at all (a missing file, say).
        public var failure: String?

        public init(
            name: String,
            topic: String,
            published: Int,
            malformed: Int,
            deadLettered: Int,
            failure: String? = nil
        ) {
            self.name = name
            self.topic = topic
            self.published = published
            self.malformed = malformed
            self.deadLettered = deadLettered
            self.failure = failure
        }
    }

    public struct ConsumerRow: Sendable, Hashable {
        public var name: String
        public var group: String
        public var topic: String
        public var stats: ConsumerStats
        /// Declared faults injected into its steps, by kind (`error`, `latency`, `status`); empty unless the
        /// run turned faults on.
        public var faults: [String: Int]

        public init(name: String, group: String, topic: String, stats: ConsumerStats, faults: [String: Int] = [:]) {
            self.name = name
            self.group = group
            self.topic = topic
            self.stats = stats
            self.faults = faults
        }
    }

    public var pipeline: String
    public var seed: UInt64
    public var elapsed: Duration
    public var topics: [TopicRow]
    public var producers: [ProducerRow]
    public var consumers: [ConsumerRow]
    /// Consumers whose drain ended with work still unfinished at the grace deadline.
    public var unfinished: Int
    /// On a broker several processes share: which partitions this process's members held.
    public var ownership: [PartitionOwnership]

    public init(
        pipeline: String,
        seed: UInt64,
        elapsed: Duration,
        topics: [TopicRow],
        producers: [ProducerRow],
        consumers: [ConsumerRow],
        unfinished: Int,
        ownership: [PartitionOwnership] = []
    ) {
        self.pipeline = pipeline
        self.seed = seed
        self.elapsed = elapsed
        self.topics = topics
        self.producers = producers
        self.consumers = consumers
        self.unfinished = unfinished
        self.ownership = ownership
    }

    public var failed: Bool {
        consumers.contains { $0.stats.exhausted > 0 }
            || producers.contains { $0.failure != nil || $0.malformed > 0 }
            || lost > 0
    }

    /// Events lost at shutdown over all topics.
    public var lost: Int { topics.reduce(0) { $0 + $1.lost } }
    /// Events left in a durable store for the next run, over all topics.
    public var left: Int { topics.reduce(0) { $0 + $1.left } }

    /// Events handled successfully by all consumers together.
    public var processed: Int { consumers.reduce(0) { $0 + $1.stats.processed } }
}
