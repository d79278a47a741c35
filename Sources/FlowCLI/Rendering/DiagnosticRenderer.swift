import FlowCore

/// Turns diagnostics into the text `flow validate` prints, in each `DiagnosticFormat`.
///
/// Invariants: rendering is pure (no printing, no file access: source lines come from a `SourceCache`);
/// diagnostics appear in `sortedForDisplay()` order whatever order they are passed in; output has no trailing
/// newline, so callers `print` it (GitHub output is empty when there is nothing to report).
/// Every column is 1-based in Unicode scalars; `endColumn` is exclusive (`column + length`), as in SARIF.
public enum DiagnosticRenderer {
    /// The tool identity machine formats report.
    static let toolName = "flow"
    static let toolVersion = "0.1.0"
    static let informationURI = "https://github.com/flow-pipelines/flow"

    /// Renders `diagnostics` for `fileCount` checked files.
    ///
    /// - Parameters:
    ///   - sources: the checked files' text, for the excerpts of `text`; other formats ignore it.
    ///   - fileCount: how many files were checked, for the summary line and the JSON `files` count.
    ///   - color: ANSI styling for `text` on a terminal; other formats ignore it.
    public static func render(
        _ diagnostics: [Diagnostic],
        format: DiagnosticFormat,
        sources: SourceCache,
        fileCount: Int,
        color: Bool
    ) -> String {
        let sorted = diagnostics.sortedForDisplay()
        switch format {
        case .text: return renderText(sorted, sources: sources, fileCount: fileCount, color: color)
        case .json: return renderJSON(sorted, fileCount: fileCount)
        case .github: return renderGitHub(sorted)
        case .sarif: return renderSARIF(sorted)
        }
    }

    /// The closing line of text output: `2 errors and 1 warning in 3 files`, `no problems in 1 file`.
    ///
    /// Counts are pluralised correctly; notes are listed only when there are some, and zero counts are left out.
    public static func summary(of diagnostics: [Diagnostic], fileCount: Int) -> String {
        let files = counted(fileCount, "file")
        let parts = [(Severity.error, "error"), (.warning, "warning"), (.note, "note")].compactMap { severity, noun in
            let count = diagnostics.count { $0.severity == severity }
            return count > 0 ? counted(count, noun) : nil
        }
        guard let last = parts.last else { return "no problems in \(files)" }
        let list = parts.count == 1 ? last : parts.dropLast().joined(separator: ", ") + " and " + last
        return "\(list) in \(files)"
    }

    private static func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// One past the last column the diagnostic underlines.
    static func endColumn(of diagnostic: Diagnostic) -> Int {
        diagnostic.location.column + diagnostic.length
    }
}
