import Foundation
import Testing

/// A Redis restart mid-run, on a server of the test's own with `appendonly yes` and `appendfsync always`:
/// SIGKILLed while `flow run` publishes and consumes, then started again on the same files. The run waits,
/// reconnects and ends by itself, every event stored once and handled at least once.
@Suite(.enabled(if: redisServerBinary != nil, "needs the redis-server scripts/test.sh installs"))
struct RedisRestartTests {
    @Test func aRedisRestartWithAlwaysFsyncLosesNothing() throws {
        let server = try RedisServer(options: ["--appendonly", "yes", "--appendfsync", "always"])
        let directory = server.directory.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ledger = directory.appendingPathComponent("ledger.txt").path
        let pipeline = directory.appendingPathComponent("restart.yml").path
        let worker = CrashTests.root.appendingPathComponent("key_ledger_worker.py").path
        try """
        version: 1
        name: restart
        topics:
          orders: { partitions: 2, key: data.k }
        producers:
          shop:
            to: orders
            generate:
              count: 3000
              rate: 1000/s
              event: { type: OrderPlaced, data: { k: "k${seq() % 8}", n: "${seq()}" } }
        consumers:
          ledger:
            from: orders
            steps:
              - exec: { command: [python3, \(worker), \(ledger)], worker: true }
        """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("run.log")
        let run = try RedisSharedRunTests.start(
            pipeline,
            only: nil,
            broker: "redis://127.0.0.1:\(server.port)/0?lease=2s",
            log: log.path,
            in: directory
        )
        defer { if run.isRunning { kill(run.processIdentifier, SIGKILL) } }
        func text() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        // Crash Redis once a fifth is handled; start it again once the run noticed (each bounded to 60 s).
        for _ in 0..<600 where CrashTests.ledgerLines(ledger).count < 600 { usleep(100_000) }
        server.kill()
        for _ in 0..<600 where !text().contains("redis unreachable") { usleep(100_000) }
        try server.start()

        let status = RedisSharedRunTests.waitForExit(run, seconds: 120, "the run")
        #expect(status == 0, "\(text().suffix(3000))")
        #expect(text().contains("warning redis unreachable"), "\(text().suffix(3000))")
        #expect(text().contains("flow run restart: 3000 published"), "\(text().suffix(3000))")
        let handled = Set(RedisSharedRunTests.Handling.all(in: ledger).map(\.number))
        #expect(handled == Set(1...3000), "missing: \(Set(1...3000).subtracting(handled).sorted().prefix(20))")
        // What Redis kept across the crash: every event stored exactly once.
        let stored = try server.cli(["HGET", "flow:{restart}:t:orders", "published"])
        #expect(stored.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "3000", "\(stored)")
    }
}
