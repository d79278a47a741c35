/// Safety limits that keep a hostile or broken file from costing more than a quick rejection.
///
/// Invariant: exceeding any limit yields exactly one `yaml-limit` diagnostic and no tree; the size is checked
/// before libyaml sees a byte, depth and node count while events stream in, so a "billion laughs" document is
/// refused after a few hundred events instead of being expanded.
public struct YAMLLimits: Sendable, Hashable {
    /// The largest accepted file, in UTF-8 bytes.
    public var maxBytes: Int
    /// The deepest accepted nesting of mappings and lists (the root collection is level 1), aliases included.
    public var maxDepth: Int
    /// The most nodes the tree may hold, counting every node an alias copies.
    public var maxNodes: Int

    /// Limits as given; each defaults to the value in `default`.
    public init(maxBytes: Int = 4 * 1024 * 1024, maxDepth: Int = 64, maxNodes: Int = 100_000) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    /// 4 MiB, 64 levels, 100,000 nodes: far above any real pipeline file.
    public static let `default` = YAMLLimits()
}
