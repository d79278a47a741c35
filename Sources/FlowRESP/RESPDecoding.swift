import NIOCore

/// Reads RESP2 replies from bytes as they arrive.
///
/// Invariant: `decode` consumes exactly one whole reply or nothing: an incomplete reply leaves the buffer as
/// it was, and is parsed again from its start when more bytes came (a reply of a few hundred kilobytes is
/// re-read a few times at most; replies here are bounded by the commands' `COUNT`s).
struct RESPDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = RESPValue

    /// Nesting deeper than this is refused: Redis's own replies nest four levels at most (`XAUTOCLAIM`).
    static let maxDepth = 16
    /// A status or error line longer than this without its CRLF is refused as garbage.
    static let maxLine = 64 * 1024
    /// Redis's own limit on a bulk string (`proto-max-bulk-len`).
    static let maxBulk = 512 * 1024 * 1024

    let endpoint: String

    mutating func decode(buffer: inout ByteBuffer) throws -> RESPValue? {
        var reading = buffer
        guard let value = try Self.value(from: &reading, depth: 0, endpoint: endpoint) else { return nil }
        buffer.moveReaderIndex(to: reading.readerIndex)
        return value
    }

    mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RESPValue? {
        try decode(buffer: &buffer)
    }

    /// One value from `buffer`, moving its reader index past it; nil when the bytes end first.
    static func value(from buffer: inout ByteBuffer, depth: Int, endpoint: String) throws(RESPError) -> RESPValue? {
        func violation(_ reason: String) -> RESPError { .protocolViolation(endpoint: endpoint, reason: reason) }
        guard let type = buffer.readInteger(as: UInt8.self) else { return nil }
        guard let line = try self.line(from: &buffer, endpoint: endpoint) else { return nil }
        switch type {
        case UInt8(ascii: "+"): return .simpleString(line)
        case UInt8(ascii: "-"): return .error(line)
        case UInt8(ascii: ":"):
            guard let number = Int64(line) else { throw violation("an integer reply of '\(line)'") }
            return .integer(number)
        case UInt8(ascii: "$"):
            guard let length = Int(line), length >= -1, length <= maxBulk else {
                throw violation("a bulk string length of '\(line)'")
            }
            if length == -1 { return .null }
            guard buffer.readableBytes >= length + 2 else { return nil }
            let bytes = buffer.readBytes(length: length) ?? []
            guard buffer.readBytes(length: 2) == [0x0D, 0x0A] else {
                throw violation("a bulk string of \(length) bytes not followed by CRLF")
            }
            return .bulkString(bytes)
        case UInt8(ascii: "*"):
            guard let count = Int(line), count >= -1 else { throw violation("an array length of '\(line)'") }
            if count == -1 { return .null }
            guard depth < maxDepth else { throw violation("arrays nested deeper than \(maxDepth)") }
            var elements: [RESPValue] = []
            elements.reserveCapacity(min(count, 4096))
            for _ in 0..<count {
                guard let element = try value(from: &buffer, depth: depth + 1, endpoint: endpoint) else { return nil }
                elements.append(element)
            }
            return .array(elements)
        default:
            throw violation("a reply of type '\(Character(Unicode.Scalar(type)))' (flow speaks RESP2)")
        }
    }

    /// The text up to the next CRLF, consuming both; nil when no CRLF arrived yet.
    private static func line(from buffer: inout ByteBuffer, endpoint: String) throws(RESPError) -> String? {
        let view = buffer.readableBytesView
        guard let cr = view.firstIndex(of: 0x0D), view.index(after: cr) < view.endIndex else {
            if view.count > maxLine {
                throw .protocolViolation(endpoint: endpoint, reason: "a line of more than \(maxLine) bytes")
            }
            return nil
        }
        guard view[view.index(after: cr)] == 0x0A else {
            throw .protocolViolation(endpoint: endpoint, reason: "a CR not followed by LF")
        }
        let text = buffer.readString(length: cr - view.startIndex) ?? ""
        buffer.moveReaderIndex(forwardBy: 2)
        return text
    }
}
