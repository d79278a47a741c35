import FlowCore

/// A place where the file names a topic, kept so cross-reference checks can point at it.
struct TopicReference: Sendable {
    enum Role: Sendable {
        case producerTo, producerDeadLetter, consumerFrom, consumerDeadLetter, emit
    }

    var topic: String
    var role: Role
    /// The producer or consumer that names it.
    var owner: String
    var location: SourceLocation
}
