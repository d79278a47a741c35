import FlowCore

extension DiagnosticRenderer {
    /// flow's own schema, version 1. Keys always appear in this order, and `hint` is `null` when absent:
    /// `{"version","files","errors","warnings","diagnostics":[{"file","line","column","endColumn","severity",
    /// "rule","message","hint"}]}`.
    static func renderJSON(_ diagnostics: [Diagnostic], fileCount: Int) -> String {
        let entries = diagnostics.map { diagnostic -> OrderedJSON in
            .object([
                ("file", .string(diagnostic.location.file)),
                ("line", .int(diagnostic.location.line)),
                ("column", .int(diagnostic.location.column)),
                ("endColumn", .int(endColumn(of: diagnostic))),
                ("severity", .string(diagnostic.severity.rawValue)),
                ("rule", .string(diagnostic.rule.id)),
                ("message", .string(diagnostic.message)),
                ("hint", .optional(diagnostic.hint)),
            ])
        }
        let document = OrderedJSON.object([
            ("version", .int(1)),
            ("files", .int(fileCount)),
            ("errors", .int(diagnostics.count { $0.severity == .error })),
            ("warnings", .int(diagnostics.count { $0.severity == .warning })),
            ("diagnostics", .array(entries)),
        ])
        return document.rendered()
    }
}
