import CYaml
import FlowCore

/// The YAML front end: text in, a `Node` tree with 1-based positions and diagnostics out, on libyaml's event API.
///
/// Positions: every node's location is where its own token starts (the quote of a quoted scalar, the `|` of a
/// block scalar, the `[` or `{` of a flow collection, the first key or `-` of a block collection), after any
/// anchor or tag written before it; columns count Unicode scalars. An alias is expanded into a copy of its
/// anchored node that keeps the anchored node's locations (the `*name` itself appears nowhere in the tree), so
/// a finding inside an aliased value points at the text that wrote it. Merge keys (`<<: *base`,
/// `<<: [*a, *b]`) are applied: explicit keys win over merged ones, earlier merge sources over later ones, and
/// merged pairs take the place of the `<<` pair. Of two equal keys the first is kept and the second reported.
///
/// Invariant: never traps and never hangs on any input; a result either has a root or at least one diagnostic,
/// except for an empty document (no content, or only an empty plain scalar), which has neither.
public enum YAMLParser {
    /// Parses `text`, which came from `file` (used verbatim in every location), as a single YAML document.
    public static func parse(_ text: String, file: String, limits: YAMLLimits = .default) -> YAMLParseResult {
        let size = text.utf8.count
        guard size <= limits.maxBytes else {
            let diagnostic = Diagnostic.error(
                .yamlLimit,
                "the file is \(size) bytes, more than the limit of \(limits.maxBytes) bytes",
                at: SourceLocation(file: file, line: 1, column: 1),
                hint: "split the pipeline into several smaller files"
            )
            return YAMLParseResult(root: nil, diagnostics: [diagnostic])
        }
        guard size > 0 else { return YAMLParseResult(root: nil, diagnostics: []) }
        var text = text
        return text.withUTF8 { bytes in
            var source = SourceText(bytes)
            return parseEvents(&source, file: file, limits: limits)
        }
    }

    private static func parseEvents(_ source: inout SourceText, file: String, limits: YAMLLimits) -> YAMLParseResult {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else {
            let diagnostic = Diagnostic.error(
                .yamlLimit,
                "out of memory while starting the yaml parser",
                at: SourceLocation(file: file, line: 1, column: 1)
            )
            return YAMLParseResult(root: nil, diagnostics: [diagnostic])
        }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_input_string(parser, source.bytes.baseAddress, source.bytes.count)

        var builder = TreeBuilder(file: file, limits: limits)
        var documents = 0
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) == 1 else {
                let diagnostic = syntaxError(of: parser, in: &source, file: file)
                return YAMLParseResult(root: nil, diagnostics: builder.diagnostics + [diagnostic])
            }
            defer { yaml_event_delete(&event) }
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return YAMLParseResult(root: nonEmpty(builder.root), diagnostics: builder.diagnostics)
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                guard documents > 1 else { continue }
                let diagnostic = Diagnostic.error(
                    .yamlSyntax,
                    "a pipeline file holds one YAML document",
                    at: location(of: event.start_mark, in: file),
                    length: event.data.document_start.implicit == 0 ? 3 : 1,
                    hint: "remove the second \"---\" or move that document into a file of its own"
                )
                return YAMLParseResult(root: nil, diagnostics: builder.diagnostics + [diagnostic])
            default:
                do {
                    try build(event, into: &builder, source: &source)
                } catch {
                    return YAMLParseResult(root: nil, diagnostics: builder.diagnostics + [error.diagnostic])
                }
            }
        }
    }

    /// The document's root, or nil for an empty document (an empty, untagged plain scalar).
    private static func nonEmpty(_ root: Node?) -> Node? {
        guard let root else { return nil }
        if case .scalar(let scalar) = root.kind, scalar.text.isEmpty, scalar.style == .plain, root.tag == nil {
            return nil
        }
        return root
    }
}
