/// ANSI styling for text output that is a no-op when disabled, so callers write one code path.
///
/// Invariant: with `enabled == false` every method returns its input unchanged; with styling, each styled span
/// ends with a reset so no style leaks into the next span.
struct TerminalStyle {
    enum Code: String {
        case bold = "1"
        case red = "31"
        case yellow = "33"
        case cyan = "36"
    }

    var enabled: Bool

    /// `text` wrapped in the escape sequence for `codes` and a reset; unchanged when disabled or empty.
    func callAsFunction(_ text: String, _ codes: Code...) -> String {
        guard enabled, !codes.isEmpty, !text.isEmpty else { return text }
        return "\u{1B}[" + codes.map(\.rawValue).joined(separator: ";") + "m" + text + "\u{1B}[0m"
    }
}
