/// Where a record lives in its topic.
///
/// Invariant: `partition` is in `0..<partitions` of the topic; `offset >= 0` and grows by one per record.
public struct RecordPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var partition: Int
    public var offset: Int64

    public init(partition: Int, offset: Int64) {
        self.partition = partition
        self.offset = offset
    }

    public static func < (lhs: RecordPosition, rhs: RecordPosition) -> Bool {
        (lhs.partition, lhs.offset) < (rhs.partition, rhs.offset)
    }

    /// `partition:offset`, e.g. `2:17`.
    public var description: String { "\(partition):\(offset)" }
}
