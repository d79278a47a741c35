import Foundation
import Testing

/// Three `flow run --only consumers` processes share a keyed topic on Redis while a fourth runs the producer;
/// one consumer process is SIGKILLed mid-run. The others take over its partitions once its leases lapse and
/// handle what it held: every event is handled, first handlings per key keep their order, duplicates stay
/// within the in-flight bound, and every process ends by itself with --until-idle.
@Suite(.serialized, .enabled(if: redisPort != nil, "needs the redis-server scripts/test.sh starts"))
struct RedisSharedRunTests {
    static let events = 3_000
    static let window = 512

    /// The pipeline the shared tests run: `events` keyed events, handled by an exec worker that appends each to
    /// `ledger`, taking `delay` seconds per event.
    static func pipeline(ledger: String, events: Int = events, capacity: Int = 400, delay: Double = 0) -> String {
        """
        version: 1
        name: shared
        topics:
          orders: { partitions: 4, key: data.k, capacity: \(capacity) }
          orders.dlq: {}
        producers:
          shop:
            to: orders
            generate:
              count: \(events)
              event: { type: OrderPlaced, data: { k: "k${seq() % 16}", n: "${seq()}" } }
        consumers:
          ledger:
            from: orders
            concurrency: 4
            dead_letter: orders.dlq
            steps:
              - exec: { command: [python3, \(CrashTests.root.appendingPathComponent("key_ledger_worker.py").path), \(ledger), "\(delay)"], worker: true, workers: 2 }
        """
    }

    /// Starts `flow run PIPELINE --until-idle` on `broker` (only the parts `only` names, when given), its
    /// output into `log`, in `directory`.
    static func start(
        _ pipeline: String,
        only: String?,
        broker: String,
        log: String,
        in directory: URL,
        options: [String] = []
    ) throws -> Process {
        try Data().write(to: URL(fileURLWithPath: log))
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        let process = Process()
        process.executableURL = try FlowBinaryTests.flowBinary()
        process.arguments =
            ["run", pipeline, "--broker", broker, "--until-idle"] + (only.map { ["--only", $0] } ?? []) + options
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try? output.close()
        return process
    }

    /// Waits for `process` to exit by itself, at most `seconds`; kills it and fails the test otherwise.
    static func waitForExit(_ process: Process, seconds: Int, _ name: String) -> Int32? {
        for _ in 0..<(seconds * 10) where process.isRunning { usleep(100_000) }  // bounded: another process's exit
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            Issue.record("\(name) did not end by itself within \(seconds) s")
            return nil
        }
        return process.terminationStatus
    }

    /// A new directory `flow-NAME-UUID` for one test, and the Redis database `database` emptied for it.
    static func scratch(_ name: String, database: Int, port: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "flow-\(name)-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let flush = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["redis-cli", "-p", port, "-n", "\(database)", "FLUSHDB"]
        )
        try #require(flush.status == 0, "\(flush)")
        return directory
    }

    @Test func theOthersTakeOverWhatAKilledProcessHeld() throws {
        let port = try #require(redisPort)
        let directory = try Self.scratch("shared", database: 7, port: port)
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = "redis://127.0.0.1:\(port)/7?lease=2s"
        let ledger = directory.appendingPathComponent("ledger.txt").path
        let pipeline = directory.appendingPathComponent("shared.yml").path
        // 2 ms per event: the run lasts about a second, so the kill below lands mid-run even when Redis is fast.
        try Self.pipeline(ledger: ledger, delay: 0.002).write(toFile: pipeline, atomically: true, encoding: .utf8)
        let log = { (name: String) in directory.appendingPathComponent("\(name).log").path }

        let consumers = try (0..<3).map {
            try Self.start(pipeline, only: "consumers", broker: broker, log: log("c\($0)"), in: directory)
        }
        let producer = try Self.start(pipeline, only: "shop", broker: broker, log: log("shop"), in: directory)
        // Kill the first consumer process once a fifth of the events were handled (bounded to 60 s).
        for _ in 0..<600 where CrashTests.ledgerLines(ledger).count < Self.events / 5 { usleep(100_000) }
        kill(consumers[0].processIdentifier, SIGKILL)
        consumers[0].waitUntilExit()

        let statuses = [
            Self.waitForExit(producer, seconds: 120, "the producer"),
            Self.waitForExit(consumers[1], seconds: 120, "consumer 1"),
            Self.waitForExit(consumers[2], seconds: 120, "consumer 2"),
        ]
        func logs() -> String {
            ["shop", "c0", "c1", "c2"].map {
                "== \($0)\n" + ((try? String(contentsOfFile: log($0), encoding: .utf8)) ?? "")
            }
            .joined(separator: "\n")
        }
        #expect(statuses == [0, 0, 0], "\(logs().suffix(4000))")

        // The two survivors' summaries name the partitions they held: together, all four.
        var held = Set<Int>()
        for name in ["c1", "c2"] {
            let text = (try? String(contentsOfFile: log(name), encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") where line.hasPrefix("ledger@") {
                held.formUnion(line.split(separator: " ").last?.split(separator: ",").compactMap { Int($0) } ?? [])
            }
        }
        #expect(held == [0, 1, 2, 3], "\(logs().suffix(3000))")

        let handlings = Handling.all(in: ledger)
        let handled = Set(handlings.map(\.number))
        #expect(
            handled == Set(1...Self.events),
            "missing: \(Set(1...Self.events).subtracting(handled).sorted().prefix(20))"
        )
        let duplicates = handlings.count - handled.count
        #expect(duplicates <= 3 * Self.window, "\(duplicates) duplicates")
        Handling.expectFirstHandlingsInKeyOrder(handlings)
    }
}
