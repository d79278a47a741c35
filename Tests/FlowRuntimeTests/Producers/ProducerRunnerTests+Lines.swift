import FlowCore
import Foundation
import Testing

@testable import FlowRuntime

extension ProducerRunnerTests {
    /// CloudEvents and bare data, `\r\n`, a blank line, a CloudEvent without `type` on line 4, and a last
    /// line without a terminator.
    static let mixedLines = [
        #"{"specversion":"1.0","id":"a1","source":"shop","type":"OrderCreated","subject":"o-1","region":"eu","data":{"total":5}}"#
            + "\r\n",
        "\r\n",
        #"{"total": 7}"# + "\n",
        #"{"specversion":"1.0","id":"a2","source":"shop"}"# + "\n",
        "42",
    ].joined()

    func importer(_ source: Pipeline.Producer.Source, deadLetter: String? = nil) -> Pipeline.Producer {
        Pipeline.Producer(name: "import", to: "orders", source: source, deadLetter: deadLetter, location: location)
    }

    @Test func aFileYieldsCloudEventsAndWrappedBareData() async throws {
        let file = try TemporaryFile(Self.mixedLines)
        defer { file.remove() }
        let keys = try await harness.declare([TopicSpec(name: "orders")])
        let runner = harness.start(importer(.file(path: file.path, type: "Imported")), keys: keys)
        #expect(try harness.outcome() == .finished)
        let events = try await harness.events(of: "orders")
        try #require(events.count == 3)
        #expect(
            events[0]
                == CloudEvent(
                    id: "a1",
                    source: "shop",
                    type: "OrderCreated",
                    subject: "o-1",
                    datacontenttype: nil,
                    data: ["total": 5],
                    extensions: ["region": "eu"]
                )
        )
        #expect(events[1].data == ["total": 7])
        #expect(events[2].data == 42)
        #expect(events[1...].allSatisfy { $0.type == "Imported" && $0.source == "flow/import" })
        #expect(events[1].time == "2026-01-01T00:00:00.000Z")
        #expect(events[1].id != events[2].id)
        #expect(runner.stats == ProducerStats(published: 3, malformed: 1))
    }

    @Test func aMalformedLineWithoutDeadLetterIsLoggedWithItsLineAndCounted() async throws {
        let file = try TemporaryFile(Self.mixedLines)
        defer { file.remove() }
        let keys = try await harness.declare([TopicSpec(name: "orders")])
        _ = harness.start(importer(.file(path: file.path, type: nil)), keys: keys)
        #expect(try harness.outcome() == .finished)
        let logged = harness.logs.entries("malformed input line")
        try #require(logged.count == 1)
        #expect(logged[0].level == .error)
        #expect(logged[0].metadata["flow.file"] == file.path)
        #expect(logged[0].metadata["flow.line"] == "4")
        #expect(logged[0].metadata["flow.error"] == "cloudevent is missing required attribute \"type\"")
        #expect(logged[0].metadata["flow.producer"] == "import")
        #expect(try await harness.events(of: "orders").map(\.type) == ["OrderCreated", "flow.record", "flow.record"])
        let finished = try #require(harness.logs.entries("producer finished").first)
        #expect(finished.metadata["flow.malformed"] == "1")
    }

    @Test func aMalformedLineGoesToTheDeadLetterTopicWithItsLineNumber() async throws {
        let file = try TemporaryFile(Self.mixedLines)
        defer { file.remove() }
        let keys = try await harness.declare([TopicSpec(name: "orders"), TopicSpec(name: "orders.bad")])
        let runner = harness.start(importer(.file(path: file.path, type: nil), deadLetter: "orders.bad"), keys: keys)
        #expect(try harness.outcome() == .finished)
        #expect(runner.stats == ProducerStats(published: 3, deadLettered: 1))
        let envelopes = try await harness.events(of: "orders.bad")
        try #require(envelopes.count == 1)
        let envelope = envelopes[0]
        #expect(envelope.type == "flow.malformed")
        #expect(envelope.source == "flow/import")
        #expect(envelope.data == .string(#"{"specversion":"1.0","id":"a2","source":"shop"}"#))
        #expect(
            envelope.extensions == [
                "flowsourcefile": .string(file.path), "flowline": 4, "flowproducer": "import",
                "flowerror": "cloudevent is missing required attribute \"type\"",
            ]
        )
        #expect(harness.logs.entries("malformed input line").first?.metadata["flow.dead_letter_topic"] == "orders.bad")
    }

    @Test func standardInputIsReadUntilEndOfInput() async throws {
        let pipe = Pipe()
        try pipe.fileHandleForWriting.write(contentsOf: Data("{\"n\":1}\nnot json\n{\"n\":2}\n".utf8))
        try pipe.fileHandleForWriting.close()
        let keys = try await harness.declare([TopicSpec(name: "orders")])
        let runner = harness.start(importer(.stdin(type: "Line")), keys: keys, input: pipe.fileHandleForReading)
        #expect(try harness.outcome() == .finished)
        #expect(try await harness.events(of: "orders").map(\.data) == [["n": 1], ["n": 2]])
        #expect(runner.stats == ProducerStats(published: 2, malformed: 1))
        let logged = try #require(harness.logs.entries("malformed input line").first)
        #expect(logged.metadata["flow.file"] == "stdin")
        #expect(logged.metadata["flow.line"] == "2")
        #expect(logged.metadata["flow.error"]?.hasPrefix("invalid JSON: ") == true)
    }

    @Test func aMissingFileFailsTheProducerWithAClearMessage() async throws {
        let keys = try await harness.declare([TopicSpec(name: "orders")])
        _ = harness.start(importer(.file(path: "/nonexistent/orders.jsonl", type: nil)), keys: keys)
        let message = "producer \"import\" cannot open file \"/nonexistent/orders.jsonl\": no such file or directory"
        #expect(try harness.outcome() == .failed(message))
        #expect(harness.logs.entries("producer failed").first?.metadata["flow.error"] == "\(message)")
    }

    @Test func aFileLargerThanOneReadIsStreamedInOrderWithExactLineNumbers() async throws {
        let count = 3000
        var text = ""
        for n in 1...count {
            text += n == 2999 ? "{broken\n" : "{\"n\":\(n),\"padding\":\"\(String(repeating: "x", count: 40))\"}\n"
        }
        #expect(text.utf8.count > 2 * LineReader.chunkSize)
        let file = try TemporaryFile(text)
        defer { file.remove() }
        let keys = try await harness.declare([
            TopicSpec(name: "orders", retention: 10_000), TopicSpec(name: "orders.bad"),
        ])
        let runner = harness.start(importer(.file(path: file.path, type: nil), deadLetter: "orders.bad"), keys: keys)
        #expect(try harness.outcome() == .finished)
        let numbers = try await harness.events(of: "orders").compactMap { $0.data["n"] }
        #expect(numbers == (1...count).filter { $0 != 2999 }.map(Value.int))
        #expect(try await harness.events(of: "orders.bad").map { $0.extensions["flowline"] } == [2999])
        #expect(runner.stats == ProducerStats(published: count - 1, deadLettered: 1))
    }

    @Test func theSameSeedGivesBareDataTheSameIds() async throws {
        func ids(seed: UInt64) async throws -> [String] {
            let harness = ProducerHarness()
            let file = try TemporaryFile("1\n2\n3\n")
            defer { file.remove() }
            let keys = try await harness.declare([TopicSpec(name: "orders")])
            _ = harness.start(importer(.file(path: file.path, type: nil)), keys: keys, seed: seed)
            _ = try harness.outcome()
            return try await harness.events(of: "orders").map(\.id)
        }
        let first = try await ids(seed: 3)
        #expect(first.count == 3)
        #expect(try await ids(seed: 3) == first)
        #expect(try await ids(seed: 4) != first)
    }
}
