/// A small, fast, seedable generator (SplitMix64) so that `--seed` makes runs and tests repeatable.
///
/// Invariant: the same seed yields the same sequence on every platform and release.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// Where the stream is: `SeededRandom(seed: position)` draws exactly what this one draws next.
    public var position: UInt64 { state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A version-4 UUID string drawn from this generator (repeatable under a seed): the bytes of `next()` then
    /// `next()`, each little-endian, with the version and variant bits set, as lower-case hex.
    ///
    /// Written straight into the string's storage: ids are drawn per event, so this is on the hot path.
    public mutating func uuid() -> String {
        let high = next()
        let low = next()
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var out = 0
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    buffer[out] = UInt8(ascii: "-")
                    out += 1
                }
                var byte = UInt8(truncatingIfNeeded: (index < 8 ? high : low) >> (8 * UInt64(index & 7)))
                if index == 6 { byte = (byte & 0x0F) | 0x40 }
                if index == 8 { byte = (byte & 0x3F) | 0x80 }
                buffer[out] = Self.hexDigit(byte >> 4)
                buffer[out + 1] = Self.hexDigit(byte & 0x0F)
                out += 2
            }
            return out
        }
    }

    /// The lower-case ASCII hex digit of `nibble` (0...15).
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
