/// One finding about a pipeline: data only; rendering lives in the CLI's formatters.
///
/// Invariant: `message` is lower-case prose that quotes user names (`consumer "billing" reads undeclared
/// topic "order"`); `rule` is stable across releases so CI suppressions and docs can name it.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public var severity: Severity
    public var rule: Rule
    public var message: String
    public var location: SourceLocation
    /// How many columns the offending text spans on its line (at least 1); renderers underline it.
    public var length: Int
    /// A short imperative fix ("did you mean \"orders\"?", "add a `dead_letter:` topic").
    public var hint: String?

    public init(
        _ severity: Severity,
        _ rule: Rule,
        _ message: String,
        at location: SourceLocation,
        length: Int = 1,
        hint: String? = nil
    ) {
        self.severity = severity
        self.rule = rule
        self.message = message
        self.location = location
        self.length = max(1, length)
        self.hint = hint
    }

    public static func error(
        _ rule: Rule,
        _ message: String,
        at location: SourceLocation,
        length: Int = 1,
        hint: String? = nil
    ) -> Diagnostic {
        Diagnostic(.error, rule, message, at: location, length: length, hint: hint)
    }

    public static func warning(
        _ rule: Rule,
        _ message: String,
        at location: SourceLocation,
        length: Int = 1,
        hint: String? = nil
    ) -> Diagnostic {
        Diagnostic(.warning, rule, message, at: location, length: length, hint: hint)
    }

    /// `file:line:col: severity: message [rule]`, the first line of every text rendering.
    public var description: String {
        "\(location): \(severity.rawValue): \(message) [\(rule.id)]"
    }
}

extension Array where Element == Diagnostic {
    /// True when any element is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file, line and column, then rule, so output is stable whatever order checks ran in.
    public func sortedForDisplay() -> [Diagnostic] {
        sorted { ($0.location, $0.rule.id, $0.message) < ($1.location, $1.rule.id, $1.message) }
    }
}

/// Diagnostics travel as errors through `Result` while loading; they are still plain data.
extension Diagnostic: Error {}
