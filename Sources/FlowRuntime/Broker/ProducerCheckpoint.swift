/// How far a producer got through its source: stored by a durable broker in the same transaction as the
/// records it made, so a restart resumes right after the last stored one, neither repeating nor skipping any.
///
/// Invariants: `produced` counts every input the producer used up (generated events, or lines read: blank and
/// malformed ones included); `offset` is the byte just after the last line read (0 for a generator); a
/// `SeededRandom(seed: random)` continues the producer's random stream exactly where it stopped.
public struct ProducerCheckpoint: Sendable, Equatable {
    /// What the producer reads, so a checkpoint of another source is never applied: `generate`, or
    /// `file:PATH` as the pipeline names it.
    public var source: String
    public var produced: Int64
    public var offset: Int64
    public var random: UInt64

    public init(source: String, produced: Int64, offset: Int64 = 0, random: UInt64) {
        self.source = source
        self.produced = produced
        self.offset = offset
        self.random = random
    }
}

/// A producer's unit of progress for `Broker.publish(_:from:queue:completion:)`: what one input became (its
/// record, or its dead-letter envelope, or nothing) and the checkpoint just after it.
public struct ProducerStep: Sendable {
    public var batches: [PublishBatch]
    public var checkpoint: ProducerCheckpoint

    public init(batches: [PublishBatch], checkpoint: ProducerCheckpoint) {
        self.batches = batches
        self.checkpoint = checkpoint
    }
}
