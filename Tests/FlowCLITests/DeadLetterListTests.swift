import FlowCore
import Foundation
import Testing

@testable import FlowCLI

/// `flow dlq list` on files as `flow run --dead-letters` writes them.
struct DeadLetterListTests {
    static func file(_ lines: [String]) throws -> String {
        let path = NSTemporaryDirectory() + "flow-dlq-\(UUID().uuidString).jsonl"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let declined =
        #"{"id":"p1","type":"Pay","source":"s","specversion":"1.0","flowsourcetopic":"payments","#
        + #""flowpartition":1,"flowoffset":16,"flowconsumer":"charge","flowattempts":3,"flowerror":"card declined"}"#
    static let timedOut =
        #"{"id":"p2","type":"Pay","source":"s","specversion":"1.0","flowsourcetopic":"payments","#
        + #""flowpartition":0,"flowoffset":4,"flowconsumer":"charge","flowattempts":5,"flowerror":"timed out after 2s"}"#
    static let malformed =
        #"{"id":"m1","type":"flow.malformed","source":"flow/replay","specversion":"1.0","#
        + #""data":"{oops","flowproducer":"replay","flowsourcefile":"orders.jsonl","flowline":7,"#
        + #""flowerror":"invalid JSON"}"#

    @Test func eachDeadLetterIsARowAndErrorsAreCountedMostFrequentFirst() throws {
        let path = try Self.file([
            Self.declined, Self.timedOut, "", Self.declined.replacingOccurrences(of: "p1", with: "p3"), Self.malformed,
        ])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = DeadLetterList.render(files: [path])
        #expect(outcome.exitCode == 0)
        #expect(outcome.errors.isEmpty)
        let lines = outcome.output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "id  type            from            by      attempts  error")
        #expect(lines[1] == "p1  Pay             payments 1/16   charge         3  card declined")
        #expect(lines[2] == "p2  Pay             payments 0/4    charge         5  timed out after 2s")
        #expect(lines[4] == "m1  flow.malformed  orders.jsonl:7  replay         -  invalid JSON")
        #expect(
            Array(lines.suffix(4)) == [
                "4 dead letters in 1 file", "  2 × card declined", "  1 × invalid JSON", "  1 × timed out after 2s",
            ]
        )
    }

    @Test func aLineThatIsNotAnEventIsReportedWithItsPlaceAndFailsTheCommand() throws {
        let path = try Self.file([Self.declined, "Traceback (most recent call last):"])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = DeadLetterList.render(files: [path])
        #expect(outcome.exitCode == 1)
        #expect(outcome.errors == "\(path):2: error: not a JSON object (a CloudEvent per line expected)")
        #expect(outcome.output.contains("1 dead letter in 1 file"))
    }

    @Test func controlCharactersInAnErrorNeverBreakALine() throws {
        let path = try Self.file([Self.declined.replacingOccurrences(of: "card declined", with: #"card\r\ndeclined"#)])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let outcome = DeadLetterList.render(files: [path])
        #expect(!outcome.output.contains("\r"))
        #expect(outcome.output.split(separator: "\n").last == "  1 × card  declined")
    }

    @Test func withoutFilesTheCommandIsAUsageError() throws {
        let outcome = try ChildProcess.run(try FlowBinaryTests.flowBinary(), ["dlq", "list"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("name the files to read, or a store with --broker"))
    }
}
