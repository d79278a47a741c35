/// One source line prepared for display with an underline under a span of it.
///
/// Invariants: `text` holds no tab or other control character (each becomes one space, so every scalar keeps
/// its column); `padding` is as wide on a terminal as the text before the span; `marker` is `^` followed by
/// `~` for the rest of the span, clipped to the line's end and at least one `^` wide even when the span
/// starts at or past the end.
struct SourceExcerpt: Equatable {
    var text: String
    var padding: String
    var marker: String

    /// - Parameters:
    ///   - line: the source line without its line break.
    ///   - column: 1-based column in Unicode scalars where the span starts.
    ///   - length: the span's length in Unicode scalars.
    init(line: String, column: Int, length: Int) {
        let scalars = line.unicodeScalars.map(Self.printable)
        let start = min(max(column - 1, 0), scalars.count)
        let end = min(start + max(length, 1), scalars.count)
        let before = scalars[..<start].reduce(0) { $0 + Self.displayWidth(of: $1) }
        let span = scalars[start..<end].reduce(0) { $0 + Self.displayWidth(of: $1) }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        text = String(view)
        padding = String(repeating: " ", count: before)
        marker = "^" + String(repeating: "~", count: max(span, 1) - 1)
    }

    /// Control characters (tab included) would move the cursor or restyle the terminal: show a space instead.
    private static func printable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        scalar.properties.generalCategory == .control ? " " : scalar
    }

    /// Columns a scalar takes on a terminal: 0 for combining marks and format characters, 2 for East Asian wide
    /// characters and emoji, 1 otherwise (an approximation of `wcwidth` good enough to place a caret).
    static func displayWidth(of scalar: Unicode.Scalar) -> Int {
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if properties.isEmojiPresentation { return 2 }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}
