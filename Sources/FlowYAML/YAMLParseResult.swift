import FlowCore

/// What `YAMLParser.parse` found: the tree (if the file parsed) and every finding, in document order.
///
/// Invariant: `root` is nil when the document is empty (then `diagnostics` is empty too) or when a syntax error,
/// a second document or an exceeded limit stopped parsing (then `diagnostics` ends with that error). Duplicate
/// keys, unknown aliases and bad merge values do not stop parsing: the tree is then best-effort (the first of
/// duplicate keys is kept, an unknown alias becomes an empty scalar) and the errors are in `diagnostics`.
public struct YAMLParseResult: Sendable {
    /// The document's root node; nil for an empty document or when parsing stopped.
    public var root: Node?
    /// Every finding, in the order parsing met them.
    public var diagnostics: [Diagnostic]

    /// A result as given; `YAMLParser.parse` is the one producer that guarantees the invariant above.
    public init(root: Node?, diagnostics: [Diagnostic]) {
        self.root = root
        self.diagnostics = diagnostics
    }
}
