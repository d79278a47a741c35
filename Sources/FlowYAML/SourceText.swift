/// The UTF-8 bytes libyaml is reading, with the few look-ups that libyaml's marks cannot answer alone.
///
/// libyaml marks count characters (Unicode scalars), a CR LF pair as two and a leading byte-order mark as none;
/// `byteOffset(ofCharacter:)` converts such an index to a byte offset with a cursor that only moves forward while
/// node start marks increase, so converting every mark of a document costs one pass over it.
///
/// Invariant: `bytes` outlives this value (it points into the buffer `YAMLParser.parse` keeps alive).
struct SourceText {
    /// A 0-based position as libyaml counts it.
    struct Mark {
        var index: Int
        var line: Int
        var column: Int
    }

    let bytes: UnsafeBufferPointer<UInt8>
    private let start: Int
    private var cursorCharacter = 0
    private var cursorByte: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        start = hasBOM ? 3 : 0
        cursorByte = start
    }

    /// The byte offset of the character libyaml numbers `index` (clamped to the end of the text).
    mutating func byteOffset(ofCharacter index: Int) -> Int {
        if index < cursorCharacter {
            cursorCharacter = 0
            cursorByte = start
        }
        while cursorCharacter < index, cursorByte < bytes.count {
            if bytes[cursorByte] == 0x0D, cursorByte + 1 < bytes.count, bytes[cursorByte + 1] == 0x0A {
                cursorByte += 1
            } else {
                cursorByte += Self.width(of: bytes[cursorByte])
            }
            cursorCharacter += 1
        }
        return min(cursorByte, bytes.count)
    }

    /// Where a node's own token starts, past its anchor and tag properties (and any spaces, line breaks and
    /// comments between them), given the node event's marks; `start` when the node has no token of its own
    /// before `end` (an empty scalar such as `key: &a`). `endIsContent` is true for collections, whose start
    /// token may be zero-width at `end` (the first key of a block mapping).
    mutating func contentStart(from start: Mark, to end: Mark, endIsContent: Bool) -> Mark {
        var byte = byteOffset(ofCharacter: start.index)
        var mark = start
        var inProperty = false
        var inComment = false
        while mark.index < end.index, byte < bytes.count {
            let b = bytes[byte]
            if b == 0x0A || b == 0x0D {
                let crlf = b == 0x0D && byte + 1 < bytes.count && bytes[byte + 1] == 0x0A
                byte += crlf ? 2 : 1
                mark = Mark(index: mark.index + (crlf ? 2 : 1), line: mark.line + 1, column: 0)
                inProperty = false
                inComment = false
                continue
            }
            if b == 0x20 || b == 0x09 {
                inProperty = false
            } else if !inProperty && !inComment {
                if b == UInt8(ascii: "&") || b == UInt8(ascii: "!") {
                    inProperty = true
                } else if b == UInt8(ascii: "#") {
                    inComment = true
                } else {
                    return mark
                }
            }
            byte += Self.width(of: b)
            mark.index += 1
            mark.column += 1
        }
        return endIsContent && mark.index == end.index ? mark : start
    }

    /// The 0-based line and column of a byte offset (libyaml reports reader errors by byte offset only).
    func mark(atByte offset: Int) -> Mark {
        var mark = Mark(index: 0, line: 0, column: 0)
        var byte = start
        let limit = min(offset, bytes.count)
        while byte < limit {
            let b = bytes[byte]
            if b == 0x0A || (b == 0x0D && !(byte + 1 < bytes.count && bytes[byte + 1] == 0x0A)) {
                mark.line += 1
                mark.column = 0
            } else if b != 0x0D {
                mark.column += 1
            }
            mark.index += 1
            byte += b == 0x0D ? 1 : Self.width(of: b)
        }
        return mark
    }

    /// The bytes of the line holding byte `offset`, without its line break.
    func line(containingByte offset: Int) -> ArraySlice<UInt8> {
        let clamped = min(max(offset, start), bytes.count)
        var lower = clamped
        while lower > start, bytes[lower - 1] != 0x0A, bytes[lower - 1] != 0x0D { lower -= 1 }
        var upper = clamped
        while upper < bytes.count, bytes[upper] != 0x0A, bytes[upper] != 0x0D { upper += 1 }
        return ArraySlice(bytes[lower..<upper])
    }

    /// How many bytes the UTF-8 sequence led by `byte` takes (1 for a stray continuation byte).
    private static func width(of byte: UInt8) -> Int {
        switch byte {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }
}
