extension GraphRenderer {
    /// A left-to-right Graphviz `digraph` named after the pipeline.
    static func renderDOT(_ graph: TopologyGraph, name: String) -> String {
        var lines = ["digraph \(dotQuote(name)) {", "    rankdir=LR;"]
        for node in graph.nodes {
            let label = dotQuote(node.lines.joined(separator: "\n"))
            let shape =
                switch node.kind {
                case .producer: "shape=box, style=rounded"
                case .topic: "shape=cylinder"
                case .consumer: "shape=box"
                }
            lines.append("    \(node.id) [label=\(label), \(shape)];")
        }
        for edge in graph.edges {
            var attributes: [String] = []
            if edge.kind == .deadLetter { attributes += ["style=dashed", "color=red"] }
            if let label = edge.label { attributes.append("label=\(dotQuote(label))") }
            let list = attributes.isEmpty ? "" : " [" + attributes.joined(separator: ", ") + "]"
            lines.append("    \(edge.from) -> \(edge.to)\(list);")
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// A DOT quoted string: backslash and `"` escaped, line breaks as DOT's centred `\n`.
    static func dotQuote(_ text: String) -> String {
        var out = "\""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out + "\""
    }
}
