import FlowCore
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
