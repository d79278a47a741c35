import Foundation

/// Splits what a file descriptor yields into numbered lines, reading at most `chunkSize` bytes at a time.
///
/// Invariants: memory holds one chunk plus one partial line, and a line longer than `maxLineBytes` is
/// dropped as it streams by (reported as `RawLine.isTooLong`), so no input makes it grow without bound.
/// Lines are numbered from 1 and every line counts, blank ones included; `\n` and `\r\n` both end a line
/// and are not part of it; a last line without a terminator is still a line.
///
/// Not thread-safe: one owner calls it, on one queue at a time. Reads block until some bytes are there.
final class LineReader {
    /// One line of input, without its terminator.
    struct RawLine {
        /// 1 for the first line.
        var number: Int
        /// The bytes; empty when `isTooLong`.
        var bytes: ArraySlice<UInt8>
        /// The line exceeded `maxLineBytes` and its bytes were dropped.
        var isTooLong = false
        /// The byte offset just past the line's terminator (where the next line starts).
        var end: Int64 = 0
    }

    /// Bytes asked for per read.
    static let chunkSize = 64 * 1024
    /// The longest line kept, in bytes.
    static let maxLineBytes = 16 * 1024 * 1024

    private let handle: FileHandle
    private let maxLineBytes: Int
    private var partial: [UInt8] = []
    private var dropping = false
    private var lineNumber: Int
    /// The byte offset in the input where the chunk being split starts (where `partial` ends).
    private var consumed: Int64

    /// True once the end of input was reached and every line returned.
    private(set) var isAtEnd = false

    /// A reader of `handle`, which it does not close. A reader resuming mid-file is given the handle already
    /// positioned at byte `offset`, where line `after + 1` starts.
    init(_ handle: FileHandle, maxLineBytes: Int = LineReader.maxLineBytes, after: Int = 0, offset: Int64 = 0) {
        self.handle = handle
        self.maxLineBytes = maxLineBytes
        lineNumber = after
        consumed = offset
    }

    /// The next lines: at least one unless the input has ended. Throws the `errno` of a failed read.
    func nextLines() throws(POSIXError) -> [RawLine] {
        var lines: [RawLine] = []
        while lines.isEmpty && !isAtEnd {
            let chunk = try readChunk()
            guard !chunk.isEmpty else {
                isAtEnd = true
                if !partial.isEmpty || dropping {
                    var line = finishLine(with: [])
                    line.end = consumed
                    lines.append(line)
                }
                break
            }
            var start = chunk.startIndex
            while let newline = chunk[start...].firstIndex(of: 0x0A) {
                var line = finishLine(with: chunk[start..<newline])
                line.end = consumed + Int64(newline + 1)
                lines.append(line)
                start = newline + 1
            }
            keep(chunk[start...])
            consumed += Int64(chunk.count)
        }
        return lines
    }

    /// Ends the line made of `partial` followed by `tail`.
    private func finishLine(with tail: ArraySlice<UInt8>) -> RawLine {
        lineNumber += 1
        defer {
            partial = []
            dropping = false
        }
        if dropping || partial.count + tail.count > maxLineBytes {
            return RawLine(number: lineNumber, bytes: [], isTooLong: true)
        }
        var bytes = partial.isEmpty ? tail : ArraySlice(partial + tail)
        if bytes.last == 0x0D { bytes.removeLast() }
        return RawLine(number: lineNumber, bytes: bytes)
    }

    /// Keeps the start of a line that continues in the next chunk, or drops it once it is too long.
    private func keep(_ bytes: ArraySlice<UInt8>) {
        guard !dropping, !bytes.isEmpty else { return }
        if partial.count + bytes.count > maxLineBytes {
            partial = []
            dropping = true
        } else {
            partial.append(contentsOf: bytes)
        }
    }

    /// Up to `chunkSize` bytes, whatever is available once something is; empty at the end of input.
    private func readChunk() throws(POSIXError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        let descriptor = handle.fileDescriptor
        while true {
            let count = buffer.withUnsafeMutableBytes { bytes in
                read(descriptor, bytes.baseAddress, bytes.count)
            }
            if count >= 0 {
                buffer.removeSubrange(count...)
                return buffer
            }
            let code = POSIXErrorCode(rawValue: errno) ?? .EIO
            if code != .EINTR { throw POSIXError(code) }
        }
    }
}
