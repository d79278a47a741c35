import Foundation
import Testing

/// A record whose handling takes its process down (a poison record) is handed from process to process on
/// Redis, and from run to run on SQLite. Each attempt begun on a record handed out again (taken over from the
/// pending list, or restored unacked after a restart) is marked before it starts, so the record is
/// dead-lettered once `abandon_limit` attempts were begun and never finished, instead of ending processes
/// forever; the records of its key behind it, never begun, are handled as usual.
@Suite(.serialized)
struct PoisonRecordTests {
    /// SQLite, and Redis when the test script started one (database 9, emptied first).
    static let stores = ["sqlite"] + (redisPort == nil ? [] : ["redis"])
    static let events = 6
    static let poison = 3
    static let abandonLimit = 2

    static func pipeline(ledger: String) -> String {
        """
        version: 1
        name: poison
        topics:
          orders: { partitions: 1, key: data.k }
          orders.dlq: {}
        producers:
          shop:
            to: orders
            generate:
              count: \(events)
              event: { type: OrderPlaced, data: { k: "k${seq() % 2}", n: "${seq()}" } }
        consumers:
          ledger:
            from: orders
            dead_letter: orders.dlq
            retry: { max_attempts: 2, backoff: constant, initial: 10ms, max: 10ms }
            steps:
              - exec: { command: [python3, \(CrashTests.root.appendingPathComponent("poison_worker.py").path), \(ledger), "\(poison)"], worker: true }
        """
    }

    @Test(arguments: stores)
    func aRecordThatEndsEveryProcessIsDeadLetteredOnceItsAbandonLimitIsReached(_ store: String) throws {
        var directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-poison-\(UUID())")
        var broker = "sqlite:\(directory.path)/poison.db?abandon_limit=\(Self.abandonLimit)"
        if store == "redis", let port = redisPort {
            directory = try RedisSharedRunTests.scratch("poison", database: 9, port: port)
            broker = "redis://127.0.0.1:\(port)/9?lease=1s&abandon_limit=\(Self.abandonLimit)"
        } else {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let ledger = directory.appendingPathComponent("ledger.txt").path
        let pipeline = directory.appendingPathComponent("poison.yml").path
        try Self.pipeline(ledger: ledger).write(toFile: pipeline, atomically: true, encoding: .utf8)
        func poisonings() -> Int { CrashTests.ledgerLines(ledger).filter { $0.hasPrefix("poison ") }.count }

        // Each run is killed once the poison record is in its handler; the run after the last kill ends by
        // itself. Bounded: at most eight runs, each at most 60 s.
        var kills = 0
        var status: Int32?
        var logs: [String] = []
        for run in 0..<8 {
            let log = directory.appendingPathComponent("run\(run).log").path
            logs.append(log)
            let flow = try RedisSharedRunTests.start(pipeline, only: nil, broker: broker, log: log, in: directory)
            for _ in 0..<600 where flow.isRunning && poisonings() == kills { usleep(100_000) }
            if poisonings() > kills {
                kill(flow.processIdentifier, SIGKILL)
                flow.waitUntilExit()
                kills += 1
                continue
            }
            status = RedisSharedRunTests.waitForExit(flow, seconds: 60, "run \(run)")
            break
        }
        let text = logs.map { "== \($0)\n" + ((try? String(contentsOfFile: $0, encoding: .utf8)) ?? "") }
            .joined(separator: "\n")
        // The first attempt came with a fresh record (nothing marked); each later one was marked begun.
        #expect(kills == Self.abandonLimit + 1, "\(text.suffix(4000))")
        #expect(status == 0, "\(text.suffix(4000))")
        // The last run dead-lettered it without an attempt: `ledger`'s summary row says 1 dead-lettered.
        let last = (try? String(contentsOfFile: logs[logs.count - 1], encoding: .utf8)) ?? ""
        #expect(last.contains(#/ledger +\d+ +0 +0 +\d+ +1 +0 /#), "\(last)")

        let handled = Set(
            CrashTests.ledgerLines(ledger).filter { !$0.hasPrefix("poison ") }.compactMap {
                Int($0.split(separator: " ")[1])
            }
        )
        #expect(handled == Set(1...Self.events).subtracting([Self.poison]), "\(handled.sorted())")

        let list = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["dlq", "list", "--broker", broker, "orders.dlq"]
        )
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.contains("1 dead letter in \"orders.dlq\""), "\(list)")
        #expect(list.stdout.contains("\(Self.abandonLimit) attempts began and never finished"), "\(list)")
        // Nothing of the record's marks outlives its ack.
        if store == "redis", let port = redisPort {
            let marks = try ChildProcess.run(
                URL(fileURLWithPath: "/usr/bin/env"),
                ["redis-cli", "-p", port, "-n", "9", "EXISTS", "flow:{poison}:a:orders:ledger"]
            )
            #expect(marks.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(marks)")
        }
    }
}
