extension GraphRenderer {
    /// A left-to-right `flowchart`: producers as stadiums, topics as cylinders, consumers as rectangles.
    static func renderMermaid(_ graph: TopologyGraph) -> String {
        var lines = ["flowchart LR"]
        for node in graph.nodes {
            let label = "\"" + node.lines.map(mermaidEscape).joined(separator: "<br/>") + "\""
            let shape =
                switch node.kind {
                case .producer: "([\(label)])"
                case .topic: "[(\(label))]"
                case .consumer: "[\(label)]"
                }
            lines.append("    \(node.id)\(shape)")
        }
        for edge in graph.edges {
            let arrow = edge.kind == .deadLetter ? "-.->" : "-->"
            let label: String =
                switch (edge.kind, edge.label) {
                case (_, nil): ""
                case (.flow, let text?): "|\"\(mermaidEscape(text))\"|"
                case (_, let text?): "|\(text)|"
                }
            lines.append("    \(edge.from) \(arrow)\(label) \(edge.to)")
        }
        return lines.joined(separator: "\n")
    }

    /// Mermaid entity codes for the characters that end a quoted label or read as markup.
    static func mermaidEscape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\"": out += "#quot;"
            case "#": out += "#35;"
            case "&": out += "#amp;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            default: out.append(character)
            }
        }
        return out
    }
}
