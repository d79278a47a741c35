/// Source text by file path, split into lines, so renderers can quote the line a diagnostic points at.
///
/// The caller loads the files; the cache only looks lines up. Invariants: lookups never trap, and an unknown
/// file or a line number outside the file gives `nil`. Lines are split at `\n`, `\r\n` and a lone `\r` (the
/// breaks libyaml counts), keep no terminator, and a leading byte-order mark is dropped so columns match
/// libyaml's marks.
public struct SourceCache: Sendable {
    private var linesByPath: [String: [String]] = [:]

    /// An empty cache: every diagnostic renders without an excerpt.
    public init() {}

    /// A cache holding `texts`, keyed by the path exactly as diagnostics name it.
    public init(_ texts: [String: String]) {
        for (path, text) in texts {
            add(text, for: path)
        }
    }

    /// Stores `text` under `path`, replacing any text stored there before.
    public mutating func add(_ text: String, for path: String) {
        linesByPath[path] = Self.lines(of: text)
    }

    /// Line `number` (1-based) of the file at `path`, without its line break; nil when either is unknown.
    public func line(_ number: Int, in path: String) -> String? {
        guard let lines = linesByPath[path], number >= 1, number <= lines.count else { return nil }
        return lines[number - 1]
    }

    private static func lines(of text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var afterCarriageReturn = false
        var scalars = Substring(text).unicodeScalars
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        for scalar in scalars {
            if scalar == "\n", afterCarriageReturn {
                afterCarriageReturn = false
                continue
            }
            afterCarriageReturn = scalar == "\r"
            if scalar == "\n" || scalar == "\r" {
                lines.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        lines.append(String(current))
        return lines
    }
}
