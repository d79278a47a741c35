import FlowCore

extension DiagnosticRenderer {
    /// Compiler-style blocks (header, quoted line, underline, hint) separated by blank lines, then the summary.
    static func renderText(_ diagnostics: [Diagnostic], sources: SourceCache, fileCount: Int, color: Bool) -> String {
        let style = TerminalStyle(enabled: color)
        var blocks = diagnostics.map { textBlock(for: $0, sources: sources, style: style) }
        blocks.append(style(summary(of: diagnostics, fileCount: fileCount), .bold))
        return blocks.joined(separator: "\n\n")
    }

    /// Each diagnostic with its excerpt and hint, without the summary line (for reports of their own, such
    /// as `flow test`'s).
    static func renderBlocks(_ diagnostics: [Diagnostic], sources: SourceCache) -> String {
        let style = TerminalStyle(enabled: false)
        return diagnostics.sortedForDisplay().map { textBlock(for: $0, sources: sources, style: style) }
            .joined(separator: "\n\n")
    }

    private static func textBlock(for diagnostic: Diagnostic, sources: SourceCache, style: TerminalStyle) -> String {
        let location = diagnostic.location
        let severityColor: TerminalStyle.Code =
            switch diagnostic.severity {
            case .error: .red
            case .warning: .yellow
            case .note: .cyan
            }
        var lines = [
            style("\(location):", .bold) + " " + style("\(diagnostic.severity.rawValue):", .bold, severityColor) + " "
                + style(diagnostic.message, .bold) + " [\(diagnostic.rule.id)]"
        ]
        let number = String(location.line)
        let blankGutter = String(repeating: " ", count: 3 + number.count)
        if let line = sources.line(location.line, in: location.file) {
            let excerpt = SourceExcerpt(line: line, column: location.column, length: diagnostic.length)
            lines.append(style("   \(number) |", .cyan) + (excerpt.text.isEmpty ? "" : " " + excerpt.text))
            lines.append(
                style(blankGutter + " |", .cyan) + " " + excerpt.padding + style(excerpt.marker, .bold, severityColor)
            )
        }
        if let hint = diagnostic.hint {
            lines.append(style(blankGutter + " =", .cyan) + " " + style("hint:", .bold) + " " + hint)
        }
        return lines.joined(separator: "\n")
    }
}
