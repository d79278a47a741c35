import FlowCore

/// Turns the parser's node events into a `Node` tree: expands aliases, applies merge keys, reports duplicate
/// keys and enforces the depth and node-count limits as events arrive.
///
/// Invariant: every node counts once toward `limits.maxNodes`, and every use of an alias counts the whole
/// anchored subtree again, so the count is the size of the expanded tree without ever building more than it;
/// the first limit crossed throws and nothing else is done.
struct TreeBuilder {
    /// A finished node with the figures the limits need.
    struct Built {
        var node: Node
        /// Nodes in the subtree, alias expansions included.
        var size: Int
        /// Collection levels in the subtree: 0 for a scalar, 1 for a flat mapping or list.
        var height: Int
        /// Columns the node's first line spans, for underlining a key.
        var length: Int
    }

    private struct Merge {
        /// Where, among the mapping's own pairs, the merged pairs go (where `<<` was written).
        var position: Int
        var sources: [[Node.Pair]]
    }

    private struct Frame {
        var isMapping: Bool
        var location: SourceLocation
        var tag: String?
        var anchor: String?
        var size = 1
        var height = 1
        var items: [Node] = []
        var pairs: [Node.Pair] = []
        var pendingKey: Built?
        /// Line of the first occurrence of each explicit scalar key (merged keys never enter it).
        var keyLines: [String: Int] = [:]
        var merges: [Merge] = []
    }

    let file: String
    let limits: YAMLLimits
    private(set) var diagnostics: [Diagnostic] = []
    private(set) var root: Node?
    private var stack: [Frame] = []
    private var anchors: [String: Built] = [:]
    private var nodeCount = 0
    /// Where unknown aliases stood; their placeholders raise no further error (such as a bad merge value).
    private var brokenAliases: Set<SourceLocation> = []

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
    }

    mutating func scalar(
        _ scalar: Node.Scalar,
        at location: SourceLocation,
        length: Int,
        tag: String?,
        anchor: String?
    ) throws(YAMLLimitExceeded) {
        try count(1, at: location)
        let built = Built(node: Node(.scalar(scalar), location: location, tag: tag), size: 1, height: 0, length: length)
        if let anchor { anchors[anchor] = built }
        attach(built)
    }

    mutating func startCollection(
        isMapping: Bool,
        at location: SourceLocation,
        tag: String?,
        anchor: String?
    ) throws(YAMLLimitExceeded) {
        if stack.count + 1 > limits.maxDepth { throw depthExceeded(at: location) }
        try count(1, at: location)
        stack.append(Frame(isMapping: isMapping, location: location, tag: tag, anchor: anchor))
    }

    /// Closes the innermost open collection (libyaml guarantees one is open).
    mutating func endCollection() {
        let frame = stack.removeLast()
        let kind: Node.Kind = frame.isMapping ? .mapping(Self.mergedPairs(of: frame)) : .sequence(frame.items)
        let built = Built(
            node: Node(kind, location: frame.location, tag: frame.tag),
            size: frame.size,
            height: frame.height,
            length: 1
        )
        if let anchor = frame.anchor { anchors[anchor] = built }
        attach(built)
    }

    /// Expands `*name` into a copy of its anchored node, which keeps the anchored node's locations.
    mutating func alias(_ name: String, at location: SourceLocation, length: Int) throws(YAMLLimitExceeded) {
        guard let anchored = anchors[name] else {
            diagnostics.append(unknownAlias(name, at: location, length: length))
            brokenAliases.insert(location)
            try count(1, at: location)
            attach(Built(node: Node(.scalar(Node.Scalar("")), location: location), size: 1, height: 0, length: length))
            return
        }
        if stack.count + anchored.height > limits.maxDepth { throw depthExceeded(at: location) }
        try count(anchored.size, at: location)
        attach(Built(node: anchored.node, size: anchored.size, height: anchored.height, length: length))
    }

    private mutating func count(_ nodes: Int, at location: SourceLocation) throws(YAMLLimitExceeded) {
        // Every subtree size is at most `nodeCount`, so no other sum can overflow once this one cannot.
        let (total, overflow) = nodeCount.addingReportingOverflow(nodes)
        nodeCount = total
        guard overflow || total > limits.maxNodes else { return }
        throw YAMLLimitExceeded(
            diagnostic: .error(
                .yamlLimit,
                "the document expands to more than \(limits.maxNodes) nodes",
                at: location,
                hint: "each alias copies its whole anchored node; aliases of aliases multiply (\"billion laughs\")"
            )
        )
    }

    private func depthExceeded(at location: SourceLocation) -> YAMLLimitExceeded {
        YAMLLimitExceeded(
            diagnostic: .error(
                .yamlLimit,
                "the document nests deeper than \(limits.maxDepth) levels",
                at: location,
                hint: "flatten the structure; a pipeline never needs this depth"
            )
        )
    }

    private mutating func attach(_ built: Built) {
        guard var frame = stack.popLast() else {
            root = built.node
            return
        }
        frame.size += built.size
        if !frame.isMapping {
            frame.height = max(frame.height, built.height + 1)
            frame.items.append(built.node)
        } else if let key = frame.pendingKey {
            frame.pendingKey = nil
            if Self.isMergeKey(key.node) {
                // Merged pairs sit one level higher than in their source mapping.
                frame.height = max(frame.height, built.height)
                addMerge(key: key, value: built.node, into: &frame)
            } else {
                frame.height = max(frame.height, built.height + 1)
                addPair(key: key, value: built.node, into: &frame)
            }
        } else {
            frame.height = max(frame.height, built.height + 1)
            frame.pendingKey = built
        }
        stack.append(frame)
    }

    private mutating func addPair(key: Built, value: Node, into frame: inout Frame) {
        if case .scalar(let scalar) = key.node.kind {
            if let firstLine = frame.keyLines[scalar.text] {
                diagnostics.append(
                    .error(
                        .yamlDuplicateKey,
                        "duplicate key \"\(scalar.text)\"",
                        at: key.node.location,
                        length: key.length,
                        hint: "the first \"\(scalar.text)\" is at line \(firstLine)"
                    )
                )
                return
            }
            frame.keyLines[scalar.text] = key.node.location.line
        }
        frame.pairs.append(Node.Pair(key: key.node, value: value))
    }

    private mutating func addMerge(key: Built, value: Node, into frame: inout Frame) {
        if let firstLine = frame.keyLines["<<"] {
            diagnostics.append(
                .error(
                    .yamlDuplicateKey,
                    "duplicate key \"<<\"",
                    at: key.node.location,
                    length: key.length,
                    hint: "the first \"<<\" is at line \(firstLine); merge several mappings with \"<<: [*a, *b]\""
                )
            )
            return
        }
        frame.keyLines["<<"] = key.node.location.line
        var sources: [[Node.Pair]] = []
        switch value.kind {
        case .mapping(let pairs):
            sources = [pairs]
        case .sequence(let items):
            for item in items {
                guard case .mapping(let pairs) = item.kind else {
                    reportBadMergeValue(item, inList: true)
                    return
                }
                sources.append(pairs)
            }
        case .scalar:
            reportBadMergeValue(value, inList: false)
            return
        }
        frame.merges.append(Merge(position: frame.pairs.count, sources: sources))
    }

    private mutating func reportBadMergeValue(_ node: Node, inList: Bool) {
        guard !brokenAliases.contains(node.location) else { return }
        diagnostics.append(badMergeValue(node, inList: inList))
    }

    private func badMergeValue(_ node: Node, inList: Bool) -> Diagnostic {
        .error(
            .wrongType,
            inList
                ? "expected a mapping in the \"<<\" list, found a \(node.kindName)"
                : "expected a mapping or a list of mappings after \"<<\", found a \(node.kindName)",
            at: node.location,
            hint: "merge anchored mappings, as in \"<<: *defaults\" or \"<<: [*a, *b]\""
        )
    }

    private func unknownAlias(_ name: String, at location: SourceLocation, length: Int) -> Diagnostic {
        if stack.contains(where: { $0.anchor == name }) {
            return .error(
                .yamlUnknownAlias,
                "alias \"*\(name)\" refers to the node that contains it",
                at: location,
                length: length,
                hint: "recursive YAML is not supported; repeat the values instead"
            )
        }
        let hint =
            if let suggestion = Suggestion.closest(to: name, in: anchors.keys) {
                "did you mean \"*\(suggestion)\"?"
            } else {
                "define \"&\(name)\" on a node before this alias"
            }
        return .error(
            .yamlUnknownAlias,
            "alias \"*\(name)\" refers to an undefined anchor",
            at: location,
            length: length,
            hint: hint
        )
    }

    /// `<<` written plain (quoted `"<<"` is an ordinary key), untagged or tagged `!!merge`.
    private static func isMergeKey(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node.kind else { return false }
        return scalar.style == .plain && scalar.text == "<<" && (node.tag == nil || node.tag == "!!merge")
    }

    /// The mapping's own pairs with each merge's pairs spliced in where its `<<` stood: explicit keys win over
    /// merged ones wherever they are written, and an earlier merge source wins over a later one.
    private static func mergedPairs(of frame: Frame) -> [Node.Pair] {
        guard !frame.merges.isEmpty else { return frame.pairs }
        var taken = Set(frame.keyLines.keys)
        var result: [Node.Pair] = []
        var next = 0
        for merge in frame.merges {
            result.append(contentsOf: frame.pairs[next..<merge.position])
            next = merge.position
            for pair in merge.sources.joined() {
                if case .scalar(let scalar) = pair.key.kind, !taken.insert(scalar.text).inserted { continue }
                result.append(pair)
            }
        }
        result.append(contentsOf: frame.pairs[next...])
        return result
    }
}
