import FlowCore

/// What a broker needs to know to create a topic.
///
/// Invariant: `partitions >= 1`, `capacity >= 1`, `retention >= 1`.
public struct TopicSpec: Sendable, Hashable {
    /// Records kept per partition of a topic no group reads, unless a spec says otherwise.
    public static let defaultRetention = 10_000

    /// The topic's name, unique per broker.
    public var name: String
    /// How many append-only logs the topic has.
    public var partitions: Int
    /// Records per partition not yet acked by the slowest group before `publish` waits.
    public var capacity: Int
    /// Records per partition kept while the topic has no group; older ones are evicted and counted.
    public var retention: Int

    /// A spec; traps on out-of-bounds numbers (the pipeline loader has checked them).
    public init(
        name: String,
        partitions: Int = 1,
        capacity: Int = Pipeline.Topic.defaultCapacity,
        retention: Int = TopicSpec.defaultRetention
    ) {
        precondition(partitions >= 1 && capacity >= 1 && retention >= 1, "topic spec out of bounds")
        self.name = name
        self.partitions = partitions
        self.capacity = capacity
        self.retention = retention
    }

    /// The spec of a declared pipeline topic.
    public init(_ topic: Pipeline.Topic, retention: Int = TopicSpec.defaultRetention) {
        self.init(name: topic.name, partitions: topic.partitions, capacity: topic.capacity, retention: retention)
    }
}
