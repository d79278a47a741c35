import FlowCore

/// Derives independent, repeatable random streams from one run seed (`flow run --seed`).
public enum Seeds {
    /// The seed of the component `name` (a producer or consumer) under run seed `base`: stable across
    /// releases (FNV-1a of the name mixed into the base), different per name.
    public static func derive(_ base: UInt64, _ name: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        var random = SeededRandom(seed: base ^ hash)
        return random.next()
    }
}
