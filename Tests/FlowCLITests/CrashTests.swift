import Foundation
import Testing

/// Durability shown, not argued: the real `flow` binary on SQLite is SIGKILLed at seeded random moments while
/// an http producer takes events, restarted each time, and finally drained; then a ledger written by the
/// handler must hold every event that was answered 202.
@Suite(.serialized)
struct CrashTests {
    static let kills = 20
    static let root = ChildProcess.packageRoot.appendingPathComponent("Tests/FlowCLITests/Crash")

    /// A folder with the pipeline, the store and the ledger; removed afterwards.
    struct Scratch {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-crash-\(UUID().uuidString)")
        var store: String { directory.appendingPathComponent("state/orders.db").path }
        var ledger: String { directory.appendingPathComponent("ledger.txt").path }
        var pipeline: String { directory.appendingPathComponent("orders.yml").path }
    }

    /// The port `flow` logged (`http ingest listening flow.listen=127.0.0.1:PORT/events`) in `log`, polled for
    /// at most 20 s: each run binds port 0, so no other test's server can ever receive this test's traffic.
    static func listeningPort(in log: String) -> Int? {
        for _ in 0..<200 {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "flow.listen=127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits) { return port }
            }
            usleep(100_000)  // polling another process's progress, bounded to 20 s
        }
        return nil
    }

    static func pipeline(ledger: String) -> String {
        """
        version: 1
        name: crash
        topics:
          orders: { partitions: 2, key: data.k }
          orders.dlq: {}
        producers:
          web:
            to: orders
            http: { listen: "127.0.0.1:0", path: /events }
        consumers:
          ledger:
            from: orders
            concurrency: 8
            dead_letter: orders.dlq
            steps:
              - exec: { command: [python3, \(root.appendingPathComponent("ledger_worker.py").path), \(ledger)], worker: true, workers: 2 }
        """
    }

    /// Starts `flow run` on the store, its output (info level: the listening line) going to a new file `log`.
    static func startFlow(_ scratch: Scratch, log path: String, extra: [String] = []) throws -> Process {
        try Data().write(to: URL(fileURLWithPath: path))
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = try FlowBinaryTests.flowBinary()
        process.arguments = ["run", scratch.pipeline, "--broker", "sqlite:\(scratch.store)"] + extra
        process.currentDirectoryURL = scratch.directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try? log.close()  // the child has its own descriptor
        return process
    }

    /// Runs the poster from event `first` on, returning each id answered 202 as it comes, and SIGKILLs `flow`
    /// once `killAfter` were acknowledged (the poster then sees the server gone and stops).
    static func post(port: Int, first: Int, killAfter: Int, flow: Process) throws -> [String] {
        let poster = Process()
        poster.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        poster.arguments = [
            "python3", root.appendingPathComponent("ingest_poster.py").path, "http://127.0.0.1:\(port)/events",
            "\(first)", "100000",
        ]
        let pipe = Pipe()
        poster.standardOutput = pipe
        poster.standardError = FileHandle.nullDevice
        try poster.run()
        var acknowledged: [String] = []
        var buffer = Data()
        let reader = pipe.fileHandleForReading
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 0x0A) {
                acknowledged.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                buffer.removeSubrange(buffer.startIndex...newline)
            }
            if acknowledged.count >= killAfter, flow.isRunning { kill(flow.processIdentifier, SIGKILL) }
        }
        poster.waitUntilExit()
        if flow.isRunning { kill(flow.processIdentifier, SIGKILL) }
        flow.waitUntilExit()
        return acknowledged
    }

    static func ledgerLines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func everyEventAnswered202SurvivesTwentyKills() throws {
        let scratch = Scratch()
        try FileManager.default.createDirectory(at: scratch.directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch.directory) }
        try Self.pipeline(ledger: scratch.ledger).write(toFile: scratch.pipeline, atomically: true, encoding: .utf8)
        func logText(_ path: String) -> String {
            String(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").suffix(2000))
        }

        var random = SplitMix(seed: 20_261_202)
        var acknowledged: [String] = []
        for cycle in 0..<Self.kills {
            let log = scratch.directory.appendingPathComponent("flow-\(cycle).log").path
            let flow = try Self.startFlow(scratch, log: log)
            guard let port = Self.listeningPort(in: log) else {
                kill(flow.processIdentifier, SIGKILL)
                Issue.record("flow never listened; log:\n\(logText(log))")
                return
            }
            let killAfter = 1 + Int(random.next() % 150)
            let first = 1_000_000 + cycle * 100_000
            acknowledged += try Self.post(port: port, first: first, killAfter: killAfter, flow: flow)
            try #require(flow.terminationReason == .uncaughtSignal, "flow exited by itself; log:\n\(logText(log))")
        }
        try #require(acknowledged.count >= Self.kills)

        // A last run hands over whatever is stored; it ends once the ledger holds every acknowledged event.
        let log = scratch.directory.appendingPathComponent("flow-last.log").path
        let flow = try Self.startFlow(scratch, log: log)
        let wanted = Set(acknowledged)
        for _ in 0..<600 where !wanted.isSubset(of: Set(Self.ledgerLines(scratch.ledger))) {
            usleep(50_000)  // polling another process's progress, bounded to 30 s
        }
        kill(flow.processIdentifier, SIGTERM)
        flow.waitUntilExit()
        #expect(flow.terminationStatus == 0, "the drained run exits 0; log:\n\(logText(log))")

        let handled = Self.ledgerLines(scratch.ledger)
        let missing = wanted.subtracting(handled)
        #expect(missing.count == 0, "\(missing.count) of \(wanted.count) acknowledged events were never handled")
        let duplicates = handled.count - Set(handled).count
        #expect(duplicates <= Self.kills * 512, "at most one credit window is handled again per kill")
        let check = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])",
                scratch.store,
            ]
        )
        #expect(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
    }
}

/// A small seeded generator, so the kill moments repeat run after run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
