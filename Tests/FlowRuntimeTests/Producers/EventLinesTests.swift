import FlowCore
import Foundation
import Testing

@testable import FlowRuntime

struct EventLinesTests {
    @Test func linesAreReadAsAFileProducerReadsThemWithTheGivenSource() throws {
        var lines = EventLines(source: "myshop", type: "Bare", seed: 1)
        let time = "2026-11-30T00:00:00.000Z"
        let structuredLine = Array(#"{"specversion":"1.0","id":"a1","source":"s","type":"T"}"#.utf8)
        let structured = lines.decode(structuredLine[...], time: time)
        #expect(try structured?.get().id == "a1")
        let bareLine = Array("{\"amount\": 3}\r".utf8)
        let bare = try #require(try lines.decode(bareLine[...], time: time)?.get())
        #expect(bare.source == "myshop")
        #expect(bare.type == "Bare")
        #expect(bare.data == ["amount": 3])
        #expect(bare.time == time)
        let blank = Array("  \t".utf8)
        #expect(lines.decode(blank[...], time: time) == nil)
        let brokenLine = Array("not json".utf8)
        guard case .failure(let problem)? = lines.decode(brokenLine[...], time: time) else {
            Issue.record("a line that is not JSON decoded")
            return
        }
        #expect(problem.message.hasPrefix("invalid JSON"))
    }
}

extension EventLinesTests {
    @Test func readingAFileYieldsNumberedLinesAndSkipsBlankOnes() throws {
        let path = NSTemporaryDirectory() + "flow-event-lines-\(UUID().uuidString).jsonl"
        try "{\"n\": 1}\r\n\n  \nnot json\n{\"n\": 2}".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let handle = try #require(FileHandle(forReadingAtPath: path))
        var lines = EventLines(reading: handle, source: "s", type: "T", seed: 1)
        var read: [EventLines.Line] = []
        while case let batch = try lines.next(time: "2026-11-30T00:00:00.000Z"), !batch.isEmpty { read += batch }
        #expect(read.map(\.number) == [1, 4, 5])
        #expect(try read[0].event.get().data == ["n": 1])
        #expect(try read[2].event.get().data == ["n": 2])
        guard case .failure(let problem) = read[1].event else {
            Issue.record("line 4 decoded")
            return
        }
        #expect(problem.message.hasPrefix("invalid JSON"))
    }
}
