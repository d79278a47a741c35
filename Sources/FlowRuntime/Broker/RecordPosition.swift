/// Where a record lives in its topic.
///
/// Invariant: `partition` is in `0..<partitions` of the topic; `offset >= 0` and grows by one per record.
public struct RecordPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The partition, `0..<partitions`.
    public var partition: Int
    /// The offset within the partition, from 0.
    public var offset: Int64

    /// The position `partition:offset`.
    public init(partition: Int, offset: Int64) {
        self.partition = partition
        self.offset = offset
    }

    /// Orders by partition, then offset.
    public static func < (lhs: RecordPosition, rhs: RecordPosition) -> Bool {
        (lhs.partition, lhs.offset) < (rhs.partition, rhs.offset)
    }

    /// `partition:offset`, e.g. `2:17`.
    public var description: String { "\(partition):\(offset)" }
}
