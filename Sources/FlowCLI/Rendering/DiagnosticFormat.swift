import ArgumentParser

/// The output formats of `flow validate --format`.
///
/// `text` is for people (compiler-style excerpts and a summary line); `json` is flow's own stable schema;
/// `github` is GitHub Actions workflow commands (annotations on the pull request); `sarif` is SARIF 2.1.0 for
/// code-scanning tools. The raw values are the names users type and never change.
public enum DiagnosticFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    case text
    case json
    case github
    case sarif
}
