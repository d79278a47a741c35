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
}
