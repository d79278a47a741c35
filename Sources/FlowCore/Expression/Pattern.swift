import Foundation

/// A compiled regular expression for `matches()` (ICU syntax through `NSRegularExpression`).
///
/// Invariant: immutable after creation; `NSRegularExpression` is documented thread-safe, so it is shared.
struct Pattern: Sendable {
    let source: String
    private let regex: NSRegularExpression

    /// Compiles `source`; nil when it is not a valid pattern.
    init?(_ source: String) {
        guard let regex = try? NSRegularExpression(pattern: source) else { return nil }
        self.source = source
        self.regex = regex
    }

    /// True when the pattern matches anywhere in `text` (anchor with `^` and `$` for a whole match).
    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
