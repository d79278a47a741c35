import Foundation
import Testing

@testable import FlowRuntime

struct LineReaderTests {
    private func lines(of text: String, maxLineBytes: Int = LineReader.maxLineBytes) throws -> [String] {
        let file = try TemporaryFile(text)
        defer { file.remove() }
        let handle = try #require(FileHandle(forReadingAtPath: file.path))
        defer { try? handle.close() }
        let reader = LineReader(handle, maxLineBytes: maxLineBytes)
        var result: [String] = []
        while !reader.isAtEnd {
            for line in try reader.nextLines() {
                let text = line.isTooLong ? "<too long>" : String(decoding: line.bytes, as: UTF8.self)
                result.append("\(line.number):\(text)")
            }
        }
        return result
    }

    @Test(arguments: [
        ("a\nb\n", ["1:a", "2:b"]),
        ("a\r\nb\r\n", ["1:a", "2:b"]),
        ("a\n\n\nb", ["1:a", "2:", "3:", "4:b"]),
        ("", []),
        ("\n", ["1:"]),
        ("only", ["1:only"]),
        ("a\rb\n", ["1:a\rb"]),
    ])
    func splitsLinesAndNumbersEveryOne(text: String, expected: [String]) throws {
        #expect(try lines(of: text) == expected)
    }

    @Test func aLineLongerThanTheLimitIsReportedAndTheNextOneKept() throws {
        #expect(try lines(of: "abcdef\nok\nabcdefgh", maxLineBytes: 4) == ["1:<too long>", "2:ok", "3:<too long>"])
    }

    @Test func aLineSpanningReadsIsJoined() throws {
        let long = String(repeating: "y", count: LineReader.chunkSize + 10)
        #expect(try lines(of: "a\n\(long)\nb\n") == ["1:a", "2:\(long)", "3:b"])
    }
}
