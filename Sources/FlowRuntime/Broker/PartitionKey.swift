/// How a record's key picks its partition: 64-bit FNV-1a of the key's UTF-8 bytes, modulo the partition count.
///
/// Invariant: stable across runs, processes, platforms and backends, so every backend places a key in the
/// same partition.
public enum PartitionKey {
    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The FNV-1a hash of `key`'s UTF-8 bytes.
    public static func hash(_ key: String) -> UInt64 {
        var hash = offsetBasis
        var key = key
        key.withUTF8 { bytes in
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= prime
            }
        }
        return hash
    }

    /// The partition in `0..<partitions` for `key`.
    public static func partition(for key: String, partitions: Int) -> Int {
        precondition(partitions >= 1, "a topic has at least one partition")
        return Int(hash(key) % UInt64(partitions))
    }
}
