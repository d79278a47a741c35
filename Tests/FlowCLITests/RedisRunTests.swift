import Foundation
import Testing

/// The port of the server `scripts/test.sh` started; nil under a plain `swift test`.
let redisPort = ProcessInfo.processInfo.environment["FLOW_TEST_REDIS_PORT"]

/// `flow run --broker redis://…` on the real binary against the `redis-server` the test script started.
@Suite(.enabled(if: redisPort != nil, "needs the redis-server scripts/test.sh starts"))
struct RedisRunTests {
    /// A database of its own per test (the server has 16), emptied first: pipeline names repeat across tests.
    private func url(database: Int) throws -> String {
        let url = "redis://127.0.0.1:\(try #require(redisPort))/\(database)"
        let flush = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["redis-cli", "-p", redisPort ?? "", "-n", "\(database)", "FLUSHDB"]
        )
        try #require(flush.status == 0, "\(flush)")
        return url
    }

    @Test func aRunStoresInRedisAndTheNextRunResumesWhereItStopped() throws {
        let broker = try url(database: 3)
        let first = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["run", "pipelines/retry-and-dlq.yml", "--until-idle", "--broker", broker]
        )
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("flow run retry-and-dlq: 110 published, 90 processed"), "\(first)")
        let second = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["run", "pipelines/retry-and-dlq.yml", "--until-idle", "--broker", broker]
        )
        #expect(second.status == 0, "\(second)")
        #expect(second.stdout.contains("flow run retry-and-dlq: 0 published, 0 processed"), "\(second)")
        #expect(second.stdout.contains(#/payments\.dlq +0 +10 +0/#), "the dead letters stay stored: \(second)")

        // Read back beside (here: after) the run, the pipeline found from the topic.
        let list = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["dlq", "list", "--broker", broker, "payments.dlq"]
        )
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.contains("10 dead letters in \"payments.dlq\" of pipeline \"retry-and-dlq\""), "\(list)")
        #expect(list.stdout.components(separatedBy: "card declined").count - 1 >= 10, "\(list)")
        let id = try #require(list.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first)
        let show = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["dlq", "show", "--broker", broker, "payments.dlq", String(id)]
        )
        #expect(show.status == 0, "\(show)")
        #expect(show.stdout.contains(#""flowerror": "card declined""#), "\(show)")
        let tail = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["tail", "--broker", broker, "payments.dlq", "--from", "earliest", "--no-follow"]
        )
        #expect(tail.status == 0, "\(tail)")
        #expect(tail.stdout.split(separator: "\n").count == 10, "\(tail)")
        let unknown = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["dlq", "list", "--broker", broker, "orders.dlq"]
        )
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no pipeline on \(broker) declared a topic \"orders.dlq\""), "\(unknown)")
    }

    @Test func anUnreachableRedisStopsTheRunWithExit1() throws {
        let outcome = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["run", "pipelines/hello.yml", "--until-idle", "--broker", "redis://:hunter2@127.0.0.1:1/0"]
        )
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("flow: cannot connect to redis at 127.0.0.1:1"), "\(outcome)")
        #expect(outcome.stderr.contains("(broker redis://:***@127.0.0.1:1/0)"), "\(outcome)")
        #expect(!outcome.stderr.contains("hunter2"), "\(outcome)")
    }

    @Test func aKeyAnotherProgramWroteStopsTheRunNamingTheKey() throws {
        let broker = try url(database: 5)
        let set = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["redis-cli", "-p", redisPort ?? "", "-n", "5", "SET", "flow:{hello}:t:greetings", "someone else's"]
        )
        try #require(set.status == 0, "\(set)")
        let outcome = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["run", "pipelines/hello.yml", "--until-idle", "--broker", broker]
        )
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("WRONGTYPE"), "\(outcome)")
        #expect(outcome.stderr.contains("(HGET flow:{hello}:t:greetings)"), "\(outcome)")
        #expect(outcome.stderr.contains("hint: something else wrote that key"), "\(outcome)")
    }

    /// Every connection of the run is killed ten times while it publishes and consumes: it reconnects, sends
    /// again what the broken connections failed, and ends having stored every event exactly once (a
    /// producer's step sent again is recognised by its checkpoint) and handled each at least once.
    @Test func killedConnectionsAreMadeAgainAndNothingIsLost() throws {
        let broker = try url(database: 4)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pipeline = directory.appendingPathComponent("reconnect.yml").path
        try """
        version: 1
        name: reconnect
        topics:
          orders: { partitions: 2, key: data.k }
        producers:
          shop:
            to: orders
            generate:
              count: 4000
              rate: 2000/s
              event: { type: OrderPlaced, data: { k: "k${seq() % 8}" } }
        consumers:
          count:
            from: orders
            steps:
              - log: { message: "order ${data.k}", level: debug }
        """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        let run = Process()
        run.executableURL = try FlowBinaryTests.flowBinary()
        run.arguments = ["run", pipeline, "--until-idle", "--broker", broker]
        let output = Pipe()
        run.standardOutput = output
        run.standardError = output
        try run.run()
        for _ in 0..<10 {
            usleep(150_000)  // spreading the kills over the run, which lasts about two seconds
            try Self.killConnections(database: 4)
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.waitUntilExit()
        #expect(run.terminationStatus == 0, "\(text.suffix(3000))")
        #expect(text.contains("warning redis unreachable"), "no connection was killed: \(text.suffix(3000))")
        #expect(text.contains("flow run reconnect: 4000 published"), "\(text.suffix(3000))")
        let processed = text.firstMatch(of: #/\ncount +(\d+) /#).flatMap { Int($0.1) } ?? 0
        #expect(processed >= 4000, "\(text.suffix(3000))")
    }

    /// Kills the connections that selected `database` (the run's), never another test's.
    static func killConnections(database: Int) throws {
        let cli = URL(fileURLWithPath: "/usr/bin/env")
        let list = try ChildProcess.run(cli, ["redis-cli", "-p", redisPort ?? "", "CLIENT", "LIST"])
        for line in list.stdout.split(separator: "\n") where line.contains(" db=\(database) ") {
            guard let id = line.split(separator: " ").first(where: { $0.hasPrefix("id=") })?.dropFirst(3) else {
                continue
            }
            _ = try ChildProcess.run(cli, ["redis-cli", "-p", redisPort ?? "", "CLIENT", "KILL", "ID", String(id)])
        }
    }
}
