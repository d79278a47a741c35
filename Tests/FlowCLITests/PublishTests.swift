import FlowCore
import Foundation
import Testing

/// `flow publish` against a real `flow run` with an `http` producer on 127.0.0.1 (a free port each time).
struct PublishTests {
    static let ingest = """
        version: 1
        name: ingest
        topics:
          orders: {}
        producers:
          web:
            to: orders
            http: { listen: "127.0.0.1:0", path: /events }
        consumers:
          sink:
            from: orders
            steps:
              - log: "got ${type}"
        """

    /// The URL the run's ingest server listens on, read from its log line.
    static func endpoint(in stderr: String) throws -> String {
        let line = try #require(stderr.split(separator: "\n").first { $0.contains("http ingest listening") })
        let field = try #require(line.split(separator: " ").first { $0.hasPrefix("flow.listen=") })
        return "http://" + field.dropFirst("flow.listen=".count)
    }

    @Test func generatedAndFileEventsAreSentAndAMalformedLineIsReportedNotSent() throws {
        let pipeline = try FlowRunTests.writePipeline(Self.ingest)
        let lines = FileManager.default.temporaryDirectory.appendingPathComponent("flow-pub-\(UUID().uuidString).jsonl")
        try #"""
        {"specversion": "1.0", "id": "a1", "source": "shop", "type": "OrderCreated"}
        not json
        {"amount": 3}
        """#.write(to: lines, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: lines) }
        var generated: ChildProcess.Outcome?
        var fromFile: ChildProcess.Outcome?
        var wrongPath: ChildProcess.Outcome?
        let run = try FlowRunTests.signalled(
            pipeline,
            signals: [SIGTERM],
            after: "http ingest listening",
            extra: ["--log-level", "info"]
        ) { stderr in
            let url = try Self.endpoint(in: stderr)
            let flow = try FlowBinaryTests.flowBinary()
            generated = try ChildProcess.run(
                flow,
                ["publish", url, "--type", "Tick", "--data", #"{"n": 1}"#, "--count", "3"]
            )
            fromFile = try ChildProcess.run(flow, ["publish", url, "--file", lines.path, "--type", "Bare"])
            wrongPath = try ChildProcess.run(flow, ["publish", url + "/nope", "--type", "Tick", "--count", "3"])
        }
        let first = try #require(generated)
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.hasPrefix("published 3 of 3 events to http://127.0.0.1:"))
        let second = try #require(fromFile)
        #expect(second.status == 1)
        #expect(
            second.stdout.contains("published 2 of 3 events to ") && second.stdout.contains(": 1 malformed, not sent")
        )
        #expect(second.stderr.contains("flow: line 2: invalid JSON"))
        // A 404 concerns the endpoint, not the event: the command stops at the first one.
        let third = try #require(wrongPath)
        #expect(third.status == 1)
        #expect(third.stdout.contains("published 0 of 3 events to ") && third.stdout.contains(": 3 not sent"))
        #expect(third.stderr.contains("not sent: HTTP 404 from "))
        #expect(run.status == 0)
        #expect(run.stdout.contains("web       orders          5"), "\(run.stdout)")
    }

    @Test func aRefusedConnectionStopsTheCommandWithExitOne() throws {
        let outcome = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["publish", "http://127.0.0.1:1/events", "--type", "Tick", "--count", "3"]
        )
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("not sent: POST http://127.0.0.1:1/events failed: connection refused"))
        #expect(outcome.stdout.contains("published 0 of 3 events to http://127.0.0.1:1/events: 3 not sent"))
    }

    @Test(arguments: [
        (["publish", "ftp://host/events", "--type", "T"], "the URL must start with http:// or https://"),
        (["publish", "http://127.0.0.1:1/events"], "give --type for the events to send, or --file"),
        (["publish", "http://127.0.0.1:1/events", "--file", "x.jsonl", "--count", "2"], "--file has its own"),
        (["publish", "http://127.0.0.1:1/events", "--type", "T", "--data", "{oops"], "--data is not valid JSON"),
    ])
    func badArgumentsAreUsageErrors(arguments: [String], message: String) throws {
        let outcome = try ChildProcess.run(try FlowBinaryTests.flowBinary(), arguments)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
    }
}
