import FlowCore

/// A YAML node with the position of its first character; the tree the loader lints and decodes.
///
/// Invariant: aliases are already expanded and merge keys (`<<`) already applied, so consumers of the tree
/// never see either; a mapping's pairs keep document order and hold no duplicate keys.
public struct Node: Sendable {
    public enum Kind: Sendable {
        case scalar(Scalar)
        case mapping([Pair])
        case sequence([Node])
    }

    public struct Scalar: Sendable, Hashable {
        public enum Style: Sendable, Hashable {
            case plain, singleQuoted, doubleQuoted, literal, folded
        }

        public var text: String
        public var style: Style

        public init(_ text: String, style: Style = .plain) {
            self.text = text
            self.style = style
        }
    }

    public struct Pair: Sendable {
        public var key: Node
        public var value: Node

        public init(key: Node, value: Node) {
            self.key = key
            self.value = value
        }
    }

    public var kind: Kind
    public var location: SourceLocation
    /// An explicit tag such as `!!str`, if the document wrote one.
    public var tag: String?

    public init(_ kind: Kind, location: SourceLocation, tag: String? = nil) {
        self.kind = kind
        self.location = location
        self.tag = tag
    }
}
