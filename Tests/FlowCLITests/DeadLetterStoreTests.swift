import Foundation
import Testing

/// `flow dlq list --broker sqlite:PATH`: the dead letters a run left in its store, read by another process.
struct DeadLetterStoreTests {
    /// Runs pipelines/retry-and-dlq.yml to the end on `store`: it leaves 10 declined payments in payments.dlq.
    static func runRetryAndDeadLetters(on store: String, extra: [String] = []) throws {
        let run = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["run", "pipelines/retry-and-dlq.yml", "--until-idle", "--log-level", "error", "--broker", store] + extra
        )
        #expect(run.status == 0, "\(run)")
    }

    @Test func deadLettersStayInTheStoreAndAreListedFromIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-dlq-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = "sqlite:\(directory.path)/payments.db"
        let flow = try FlowBinaryTests.flowBinary()
        try Self.runRetryAndDeadLetters(on: store)
        let list = try ChildProcess.run(flow, ["dlq", "list", "--broker", store])
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.contains("10 dead letters in \"payments.dlq\" of \(directory.path)/payments.db"), "\(list)")
        #expect(list.stdout.contains("10 × card declined"), "\(list)")
        let missing = try ChildProcess.run(flow, ["dlq", "list", "--broker", store, "nope"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("the store has no topic \"nope\""))
        let usage = try ChildProcess.run(flow, ["dlq", "list", "--broker", "memory:"])
        #expect(usage.status == 64)
    }
}

extension DeadLetterStoreTests {
    @Test func oneDeadLetterIsShownWholeFromAStoreAndADirectoryIsListed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-dlq-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = "sqlite:\(directory.path)/payments.db"
        let out = directory.appendingPathComponent("out").path
        let flow = try FlowBinaryTests.flowBinary()
        try Self.runRetryAndDeadLetters(on: store, extra: ["--dead-letters", out])
        let listed = try ChildProcess.run(flow, ["dlq", "list", out])
        #expect(listed.status == 0, "\(listed)")
        #expect(listed.stdout.contains("10 × card declined"), "\(listed)")

        let file = try #require(
            try FileManager.default.contentsOfDirectory(atPath: out).first { $0.hasSuffix(".jsonl") }
        )
        let firstLine = try #require(
            try String(contentsOfFile: "\(out)/\(file)", encoding: .utf8).split(separator: "\n").first
        )
        guard let envelope = (try? JSONSerialization.jsonObject(with: Data(firstLine.utf8))) as? [String: Any],
            let id = envelope["id"] as? String
        else {
            Issue.record("the dead-letter file holds no envelope")
            return
        }
        let shown = try ChildProcess.run(flow, ["dlq", "show", "--broker", store, "payments.dlq", id])
        #expect(shown.status == 0, "\(shown)")
        #expect(shown.stdout.contains("\"id\" : \"\(id)\"") || shown.stdout.contains("\"id\": \"\(id)\""), "\(shown)")
        #expect(shown.stdout.contains("card declined"), "\(shown)")
        let none = try ChildProcess.run(flow, ["dlq", "show", "--broker", store, "payments.dlq", "no-such-id"])
        #expect(none.status == 1)
        #expect(none.stderr.contains("no dead letter with id \"no-such-id\" in topic \"payments.dlq\""), "\(none)")
    }
}

extension DeadLetterStoreTests {
    @Test func tailPrintsAStoredTopicFilteredAndStopsWhenAsked() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-tail-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = "sqlite:\(directory.path)/payments.db"
        let flow = try FlowBinaryTests.flowBinary()
        try Self.runRetryAndDeadLetters(on: store)
        let all = try ChildProcess.run(
            flow,
            ["tail", "--broker", store, "payments.dlq", "--from", "earliest", "--no-follow", "--format", "json"]
        )
        #expect(all.status == 0, "\(all)")
        let lines = all.stdout.split(separator: "\n")
        #expect(lines.count == 10, "\(all)")
        #expect(lines.allSatisfy { $0.contains("\"flowerror\":\"card declined\"") }, "\(all)")
        let two = try ChildProcess.run(
            flow,
            ["tail", "--broker", store, "payments.dlq", "--from", "earliest", "--limit", "2"]
        )
        #expect(two.stdout.split(separator: "\n").count == 2, "\(two)")
        #expect(two.stdout.hasPrefix("0:0 "), "text lines start with partition:offset; \(two)")
        let none = try ChildProcess.run(
            flow,
            [
                "tail", "--broker", store, "payments.dlq", "--from", "earliest", "--no-follow", "--where",
                "ext.flowattempts > 99",
            ]
        )
        #expect(none.status == 0)
        #expect(none.stdout.isEmpty, "\(none)")
        let latest = try ChildProcess.run(flow, ["tail", "--broker", store, "payments.dlq", "--no-follow"])
        #expect(latest.stdout.isEmpty, "from latest, nothing stored yet is printed")
        let bad = try ChildProcess.run(flow, ["tail", "--broker", store, "payments.dlq", "--where", "data.(("])
        #expect(bad.status == 64, "\(bad)")
        let missing = try ChildProcess.run(flow, ["tail", "--broker", store, "nope", "--no-follow"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("the store has no topic \"nope\""), "\(missing)")
    }
}

extension DeadLetterStoreTests {
    /// The stores that keep dead letters: SQLite, and Redis when the test script started one (database 10,
    /// emptied first).
    static let replayStores = ["sqlite"] + (redisPort == nil ? [] : ["redis"])

    @Test(arguments: replayStores)
    func replayMovesDeadLettersBackInOneStepAndTheNextRunHandlesThem(_ kind: String) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "flow-replay-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        var store = "sqlite:\(directory.path)/payments.db"
        if kind == "redis", let port = redisPort {
            store = "redis://127.0.0.1:\(port)/10"
            let flush = try ChildProcess.run(
                URL(fileURLWithPath: "/usr/bin/env"),
                ["redis-cli", "-p", port, "-n", "10", "FLUSHDB"]
            )
            try #require(flush.status == 0, "\(flush)")
        }
        let flow = try FlowBinaryTests.flowBinary()
        try Self.runRetryAndDeadLetters(on: store)
        func stored(_ format: [String] = []) throws -> [Substring] {
            try ChildProcess.run(
                flow,
                ["tail", "--broker", store, "payments.dlq", "--from", "earliest", "--no-follow"] + format
            ).stdout.split(separator: "\n")
        }

        let dry = try ChildProcess.run(
            flow,
            ["dlq", "replay", "--broker", store, "payments.dlq", "--dry-run", "--limit", "3"]
        )
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stdout.contains("would replay 3 dead letters from \"payments.dlq\""), "\(dry)")
        #expect(try stored().count == 10, "a dry run changes nothing")

        let replay = try ChildProcess.run(flow, ["dlq", "replay", "--broker", store, "payments.dlq", "--limit", "4"])
        #expect(replay.status == 0, "\(replay)")
        #expect(replay.stdout.contains("replayed 4 dead letters from \"payments.dlq\""), "\(replay)")
        #expect(replay.stdout.contains(": 4 to \"payments\""), "\(replay)")
        #expect(try stored().count == 6)

        // The next run handles the replayed events (declined again: they come back with their history).
        try Self.runRetryAndDeadLetters(on: store)
        let lines = try stored(["--format", "json"])
        #expect(lines.count == 10, "\(lines)")
        #expect(lines.filter { $0.contains("\"flowreplays\":1") }.count == 4, "\(lines)")
        #expect(lines.filter { $0.contains("\"flowpreviouserrors\":\"card declined\"") }.count == 4, "\(lines)")
        let bad = try ChildProcess.run(flow, ["dlq", "replay", "--broker", store, "payments"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("is read by group"), "\(bad)")
        let unknown = try ChildProcess.run(flow, ["dlq", "replay", "--broker", store, "payments.dlq", "--to", "nope"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("nope"), "\(unknown)")
    }
}
