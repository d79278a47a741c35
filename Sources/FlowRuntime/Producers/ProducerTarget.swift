import FlowCore

/// Where a producer's records go and how they are keyed.
struct ProducerTarget: Sendable {
    /// The producer's name.
    var producer: String
    /// The topic events go to.
    var topic: String
    /// Where envelopes of malformed inputs go; nil: they are logged and counted.
    var deadLetter: String?
    /// The key expressions of the pipeline's topics.
    var keys: TopicKeys
}
