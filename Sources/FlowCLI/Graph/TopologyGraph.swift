import FlowCore

/// A pipeline's topology as labelled nodes and edges, ready for any picture format.
///
/// Invariants: node ids are unique, ASCII `[A-Za-z0-9_]` only and prefixed by kind (`p_`, `t_`, `c_`), so they
/// are valid in Mermaid and DOT and never clash with keywords; every edge joins two listed nodes (a topic that is
/// referenced but not declared still gets a node); nodes are producers, declared topics, referenced-only topics,
/// then consumers, each in declaration order; edges are unique and in declaration order. Label text is one line
/// (whitespace runs become one space) and not yet escaped for any format.
struct TopologyGraph {
    enum NodeKind {
        case producer
        case topic
        case consumer
    }

    struct Node {
        var id: String
        var kind: NodeKind
        /// The label, one entry per line: the name first, then details such as the consumer group.
        var lines: [String]
    }

    enum EdgeKind: Hashable {
        /// Events flowing from a producer to its topic or from a topic to a consumer.
        case flow
        /// A consumer publishing derived events (`emit` steps and `route` cases).
        case emit
        /// Where failed events or malformed input go.
        case deadLetter
    }

    struct Edge: Hashable {
        var from: String
        var to: String
        var kind: EdgeKind
        var label: String?
    }

    /// The longest filter label, in characters, ellipsis included.
    static let maximumFilterLabelLength = 40

    private(set) var nodes: [Node] = []
    private(set) var edges: [Edge] = []
    private var usedIDs: Set<String> = []
    private var topicIDs: [String: String] = [:]

    init(_ pipeline: Pipeline) {
        let producerIDs = pipeline.producers.map { producer in
            // An http producer is where events enter from outside: its address is part of the picture.
            var lines = [producer.name]
            if case .http(let listen, let path) = producer.source { lines.append("POST \(listen)\(path)") }
            return addNode(.producer, prefix: "p_", name: producer.name, lines: lines)
        }
        for topic in pipeline.topics where topicIDs[topic.name] == nil {
            let label = topic.partitions > 1 ? "\(topic.name) ×\(topic.partitions)" : topic.name
            topicIDs[topic.name] = addNode(.topic, prefix: "t_", name: topic.name, lines: [label])
        }
        for name in Self.referencedTopics(of: pipeline) where topicIDs[name] == nil {
            topicIDs[name] = addNode(.topic, prefix: "t_", name: name, lines: [name])
        }
        let consumerIDs = pipeline.consumers.map { consumer in
            let lines = consumer.group == consumer.name ? [consumer.name] : [consumer.name, "group: \(consumer.group)"]
            return addNode(.consumer, prefix: "c_", name: consumer.name, lines: lines)
        }
        for (producer, id) in zip(pipeline.producers, producerIDs) {
            addEdge(from: id, to: topicID(producer.to), .flow)
            if let deadLetter = producer.deadLetter {
                addEdge(from: id, to: topicID(deadLetter), .deadLetter, label: "dead letter")
            }
        }
        for (consumer, id) in zip(pipeline.consumers, consumerIDs) {
            addEdge(from: topicID(consumer.from), to: id, .flow, label: consumer.filter.map { Self.filterLabel($0) })
            for target in consumer.emitTargets {
                addEdge(from: id, to: topicID(target), .emit, label: "emit")
            }
            if let deadLetter = consumer.deadLetter {
                addEdge(from: id, to: topicID(deadLetter), .deadLetter, label: "dead letter")
            }
        }
    }

    private func topicID(_ name: String) -> String {
        topicIDs[name] ?? ""
    }

    private mutating func addNode(_ kind: NodeKind, prefix: String, name: String, lines: [String]) -> String {
        let sanitized = name.unicodeScalars.map { scalar -> Character in
            let isASCIIAlphanumeric =
                ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
                || ("0"..."9").contains(scalar)
            return isASCIIAlphanumeric ? Character(scalar) : "_"
        }
        let base = prefix + String(sanitized)
        var id = base
        var suffix = 2
        while usedIDs.contains(id) {
            id = "\(base)_\(suffix)"
            suffix += 1
        }
        usedIDs.insert(id)
        nodes.append(Node(id: id, kind: kind, lines: lines.map(Self.singleLine)))
        return id
    }

    private mutating func addEdge(from: String, to: String, _ kind: EdgeKind, label: String? = nil) {
        let edge = Edge(from: from, to: to, kind: kind, label: label)
        guard !edges.contains(edge) else { return }
        edges.append(edge)
    }

    /// Every topic name the pipeline reads or writes, in declaration order, repeats included.
    private static func referencedTopics(of pipeline: Pipeline) -> [String] {
        pipeline.producers.flatMap { [$0.to] + ($0.deadLetter.map { [$0] } ?? []) }
            + pipeline.consumers.flatMap { consumer in
                [consumer.from] + consumer.writtenTopics
            }
    }

    private static func filterLabel(_ filter: Expression) -> String {
        let text = singleLine(filter.source)
        guard text.count > maximumFilterLabelLength else { return text }
        return text.prefix(maximumFilterLabelLength - 1) + "…"
    }

    private static func singleLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
