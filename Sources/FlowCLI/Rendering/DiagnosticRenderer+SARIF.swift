import FlowCore

extension DiagnosticRenderer {
    static let sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"
    static let rulesDocument = "https://github.com/flow-pipelines/flow/blob/main/docs/rules.md"

    /// A SARIF 2.1.0 log with one run: `tool.driver` lists every rule used (sorted by id, each with its summary
    /// and a link into docs/rules.md), and each result points at its rule by id and index.
    ///
    /// Columns are Unicode scalars (`columnKind: unicodeCodePoints`); `endColumn` is exclusive. The hint joins
    /// the message after " — ". A diagnostic with an empty file name has no `locations`.
    static func renderSARIF(_ diagnostics: [Diagnostic]) -> String {
        let rules = Set(diagnostics.map(\.rule)).sorted()
        let ruleIndex = Dictionary(uniqueKeysWithValues: rules.enumerated().map { ($1.id, $0) })
        let ruleEntries = rules.map { rule -> OrderedJSON in
            .object([
                ("id", .string(rule.id)),
                ("shortDescription", .object([("text", .string(rule.summary))])),
                ("helpUri", .string("\(rulesDocument)#\(rule.id)")),
            ])
        }
        let results = diagnostics.map { diagnostic -> OrderedJSON in
            var text = diagnostic.message
            if let hint = diagnostic.hint { text += " — " + hint }
            var members: [(key: String, value: OrderedJSON)] = [
                ("ruleId", .string(diagnostic.rule.id)),
                ("ruleIndex", .int(ruleIndex[diagnostic.rule.id] ?? 0)),
                ("level", .string(sarifLevel(diagnostic.severity))),
                ("message", .object([("text", .string(text))])),
            ]
            if !diagnostic.location.file.isEmpty {
                members.append(("locations", .array([sarifLocation(of: diagnostic)])))
            }
            return .object(members)
        }
        let driver = OrderedJSON.object([
            ("name", .string(toolName)),
            ("informationUri", .string(informationURI)),
            ("version", .string(toolVersion)),
            ("rules", .array(ruleEntries)),
        ])
        let run = OrderedJSON.object([
            ("tool", .object([("driver", driver)])),
            ("columnKind", .string("unicodeCodePoints")),
            ("results", .array(results)),
        ])
        return OrderedJSON.object([
            ("$schema", .string(sarifSchema)),
            ("version", .string("2.1.0")),
            ("runs", .array([run])),
        ])
        .rendered()
    }

    private static func sarifLevel(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    private static func sarifLocation(of diagnostic: Diagnostic) -> OrderedJSON {
        let location = diagnostic.location
        let region = OrderedJSON.object([
            ("startLine", .int(location.line)),
            ("startColumn", .int(location.column)),
            ("endColumn", .int(endColumn(of: diagnostic))),
        ])
        return .object([
            (
                "physicalLocation",
                .object([
                    ("artifactLocation", .object([("uri", .string(sarifURI(forPath: location.file)))])),
                    ("region", region),
                ])
            )
        ])
    }

    /// The path as the user gave it, with forward slashes, as a relative URI reference: bytes outside RFC 3986's
    /// unreserved and sub-delimiter characters (and `@`, `/`) are percent-encoded, so `my orders.yml` becomes
    /// `my%20orders.yml`; `:` is encoded too, as it may not appear in a relative reference's first segment.
    static func sarifURI(forPath path: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=@/".utf8)
        var out = ""
        for byte in path.replacing("\\", with: "/").utf8 {
            if allowed.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
