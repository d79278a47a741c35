import Foundation
import Testing

/// The same for a `file` producer: killed while it reads, it resumes after the last line it stored, so in
/// the end every line was published exactly once (the store's offsets say so) and handled at least once.
extension CrashTests {
    static let fileKills = 8
    static let lines = 12_000

    /// `lines` events (keys spread over 7 values), with a blank line and a malformed one every 1,000.
    static func inputFile() -> (text: String, ids: [String], malformed: Int) {
        var text = ""
        var ids: [String] = []
        var malformed = 0
        for n in 1...lines {
            if n % 1000 == 500 {
                text += "\n{not json\n"
                malformed += 1
            }
            ids.append("L\(n)")
            text += #"{"specversion":"1.0","id":"L\#(n)","source":"tests","type":"Line","data":{"k":\#(n % 7)}}"#
            text += "\n"
        }
        return (text, ids, malformed)
    }

    static func filePipeline(input: String, ledger: String) -> String {
        """
        version: 1
        name: crash-file
        topics:
          orders: { partitions: 2, key: data.k, capacity: 200 }
          orders.dlq: {}
          lines.dlq: {}
        producers:
          lines:
            to: orders
            file: \(input)
            dead_letter: lines.dlq
        consumers:
          ledger:
            from: orders
            concurrency: 8
            dead_letter: orders.dlq
            steps:
              - exec: { command: [python3, \(root.appendingPathComponent("ledger_worker.py").path), \(ledger)], worker: true, workers: 2 }
        """
    }

    /// Each topic's published total over every run: the end offsets the store keeps.
    static func storedTotals(_ store: String) throws -> String {
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            rows = db.execute("SELECT p.topic, sum(max(p.base, coalesce((SELECT max(offset) + 1 FROM records r "
                "WHERE r.topic = p.topic AND r.partition = p.partition), 0))) FROM partitions p GROUP BY p.topic "
                "ORDER BY p.topic").fetchall()
            print(" ".join(f"{t}={n}" for t, n in rows), db.execute("PRAGMA integrity_check").fetchone()[0])
            """
        let result = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, store])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func everyLineOfAFileIsPublishedOnceAcrossKills() throws {
        let scratch = Scratch()
        try FileManager.default.createDirectory(at: scratch.directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch.directory) }
        let input = Self.inputFile()
        let inputPath = scratch.directory.appendingPathComponent("lines.jsonl").path
        try input.text.write(toFile: inputPath, atomically: true, encoding: .utf8)
        try Self.filePipeline(input: inputPath, ledger: scratch.ledger)
            .write(toFile: scratch.pipeline, atomically: true, encoding: .utf8)

        var random = SplitMix(seed: 20_261_203)
        let moments = (0..<Self.fileKills).map { _ in 300 + Int(random.next() % UInt64(Self.lines - 2000)) }.sorted()
        for (cycle, moment) in moments.enumerated() {
            let log = scratch.directory.appendingPathComponent("flow-\(cycle).log").path
            let flow = try Self.startFlow(scratch, log: log)
            for _ in 0..<400 where flow.isRunning && Self.ledgerLines(scratch.ledger).count < moment {
                usleep(50_000)  // polling another process's progress, bounded to 20 s
            }
            kill(flow.processIdentifier, SIGKILL)
            flow.waitUntilExit()
            try #require(flow.terminationReason == .uncaughtSignal, "flow exited by itself in cycle \(cycle)")
        }

        let log = scratch.directory.appendingPathComponent("flow-last.log").path
        let flow = try Self.startFlow(scratch, log: log, extra: ["--until-idle"])
        for _ in 0..<1200 where flow.isRunning { usleep(50_000) }  // bounded to 60 s
        if flow.isRunning { kill(flow.processIdentifier, SIGKILL) }
        flow.waitUntilExit()
        let tail = String(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").suffix(2000))
        #expect(flow.terminationStatus == 0, "the last run reads to the end and drains; log:\n\(tail)")

        let handled = Self.ledgerLines(scratch.ledger)
        let missing = Set(input.ids).subtracting(handled)
        #expect(missing.count == 0, "lines never handled, e.g. \(missing.sorted().prefix(5))")
        #expect(handled.count - Set(handled).count <= Self.fileKills * 512, "at most a window again per kill")
        #expect(
            try Self.storedTotals(scratch.store)
                == "lines.dlq=\(input.malformed) orders=\(input.ids.count) orders.dlq=0 ok",
            "each line was stored exactly once, each malformed line dead-lettered once, and the file is intact"
        )
    }
}
