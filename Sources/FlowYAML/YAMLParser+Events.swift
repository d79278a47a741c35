import CYaml
import FlowCore

extension YAMLParser {
    /// Feeds one node event (scalar, alias, collection start or end) to the builder; ignores the others.
    static func build(
        _ event: yaml_event_t,
        into builder: inout TreeBuilder,
        source: inout SourceText
    ) throws(YAMLLimitExceeded) {
        let file = builder.file
        let start = mark(event.start_mark)
        let end = mark(event.end_mark)
        switch event.type {
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let hasProperties = data.anchor != nil || data.tag != nil
            let at = hasProperties ? source.contentStart(from: start, to: end, endIsContent: false) : start
            let text = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
            try builder.scalar(
                Node.Scalar(text, style: style(data.style)),
                at: location(of: at, in: file),
                length: at.line == end.line ? end.column - at.column : 1,
                tag: tagName(data.tag),
                anchor: data.anchor.map { String(cString: $0) }
            )
        case YAML_ALIAS_EVENT:
            try builder.alias(
                String(cString: event.data.alias.anchor),
                at: location(of: start, in: file),
                length: start.line == end.line ? end.column - start.column : 1
            )
        case YAML_MAPPING_START_EVENT:
            let data = event.data.mapping_start
            let hasProperties = data.anchor != nil || data.tag != nil
            let at = hasProperties ? source.contentStart(from: start, to: end, endIsContent: true) : start
            try builder.startCollection(
                isMapping: true,
                at: location(of: at, in: file),
                tag: tagName(data.tag),
                anchor: data.anchor.map { String(cString: $0) }
            )
        case YAML_SEQUENCE_START_EVENT:
            let data = event.data.sequence_start
            let hasProperties = data.anchor != nil || data.tag != nil
            let at = hasProperties ? source.contentStart(from: start, to: end, endIsContent: true) : start
            try builder.startCollection(
                isMapping: false,
                at: location(of: at, in: file),
                tag: tagName(data.tag),
                anchor: data.anchor.map { String(cString: $0) }
            )
        case YAML_MAPPING_END_EVENT, YAML_SEQUENCE_END_EVENT:
            builder.endCollection()
        default:
            break
        }
    }

    static func mark(_ mark: yaml_mark_t) -> SourceText.Mark {
        SourceText.Mark(index: Int(mark.index), line: Int(mark.line), column: Int(mark.column))
    }

    static func location(of mark: yaml_mark_t, in file: String) -> SourceLocation {
        location(of: self.mark(mark), in: file)
    }

    static func location(of mark: SourceText.Mark, in file: String) -> SourceLocation {
        SourceLocation(file: file, line: mark.line + 1, column: mark.column + 1)
    }

    /// libyaml's resolved tag in the short form users write: `tag:yaml.org,2002:str` becomes `!!str`.
    private static func tagName(_ tag: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let tag else { return nil }
        let name = String(cString: tag)
        let prefix = "tag:yaml.org,2002:"
        return name.hasPrefix(prefix) ? "!!" + name.dropFirst(prefix.count) : name
    }

    private static func style(_ style: yaml_scalar_style_t) -> Node.Scalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}
