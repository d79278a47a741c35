extension Pipeline {
    /// A declared topic: an append-only log split into `partitions`.
    ///
    /// Invariant: `partitions >= 1`; `key`, when set, is evaluated per event to choose the partition, so events
    /// with equal keys land in the same partition and keep their order.
    public struct Topic: Sendable {
        public var name: String
        public var partitions: Int
        public var key: Expression?
        /// Events the topic buffers per partition before producers are slowed down.
        public var capacity: Int
        public var location: SourceLocation

        public static let defaultCapacity = 1024

        public init(
            name: String,
            partitions: Int = 1,
            key: Expression? = nil,
            capacity: Int = Topic.defaultCapacity,
            location: SourceLocation
        ) {
            self.name = name
            self.partitions = partitions
            self.key = key
            self.capacity = capacity
            self.location = location
        }
    }
}
