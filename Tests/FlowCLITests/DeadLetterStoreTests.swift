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
    @Test func replayMovesDeadLettersBackInOneStepAndTheNextRunHandlesThem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "flow-replay-\(UUID().uuidString)"
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = "sqlite:\(directory.path)/payments.db"
        let flow = try FlowBinaryTests.flowBinary()
        try Self.runRetryAndDeadLetters(on: store)

        let dry = try ChildProcess.run(
            flow,
            ["dlq", "replay", "--broker", store, "payments.dlq", "--dry-run", "--limit", "3"]
        )
        #expect(dry.status == 0, "\(dry)")
        #expect(dry.stdout.contains("would replay 3 dead letters from \"payments.dlq\""), "\(dry)")
        let still = try ChildProcess.run(
            flow,
            ["tail", "--broker", store, "payments.dlq", "--from", "earliest", "--no-follow"]
        )
        #expect(still.stdout.split(separator: "\n").count == 10, "a dry run changes nothing")

        let replay = try ChildProcess.run(flow, ["dlq", "replay", "--broker", store, "payments.dlq", "--limit", "4"])
        #expect(replay.status == 0, "\(replay)")
        #expect(replay.stdout.contains("replayed 4 dead letters from \"payments.dlq\""), "\(replay)")
        let left = try ChildProcess.run(
            flow,
            ["tail", "--broker", store, "payments.dlq", "--from", "earliest", "--no-follow"]
        )
        #expect(left.stdout.split(separator: "\n").count == 6, "\(left)")

        // The next run handles the replayed events (declined again: they come back with their history).
        try Self.runRetryAndDeadLetters(on: store)
        let again = try ChildProcess.run(
            flow,
            ["tail", "--broker", store, "payments.dlq", "--from", "earliest", "--no-follow", "--format", "json"]
        )
        let lines = again.stdout.split(separator: "\n")
        #expect(lines.filter { $0.contains("\"flowreplays\":1") }.count == 4, "\(again)")
        #expect(lines.filter { $0.contains("\"flowpreviouserrors\":\"card declined\"") }.count == 4, "\(again)")
        let bad = try ChildProcess.run(flow, ["dlq", "replay", "--broker", store, "payments"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("is read by group"), "\(bad)")
    }
}
