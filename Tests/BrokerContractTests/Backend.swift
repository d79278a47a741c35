import Dispatch
import FlowCore
import FlowRESP
import FlowRedis
import FlowRuntime
import FlowSQLite
import Foundation
import Testing

/// One backend the delivery contract runs against: a new backend is done when it passes the suite unchanged,
/// after adding itself to `all`.
struct Backend: Sendable, CustomTestStringConvertible {
    let name: String
    /// Whether what it stored outlives the broker (the restart tests run only then).
    let isDurable: Bool
    /// Opens the backend's state at `location` (a fresh temporary path per test; durable backends reopen it).
    let open: @Sendable (_ scheduler: ManualScheduler, _ location: String) async throws -> any TopicListing

    /// What a crash of `broker` leaves for the next process to face once time has passed; nothing for backends
    /// whose state a crash cannot hold (Redis: the dead process's leases lapse).
    var crash: @Sendable (_ broker: any TopicListing, _ location: String) async throws -> Void = { _, _ in }

    var testDescription: String { name }

    static let memory = Backend(name: "memory", isDurable: false) { scheduler, _ in
        MemoryBroker(scheduler: scheduler)
    }
    static let sqliteFull = Backend(name: "sqlite", isDurable: true) { scheduler, location in
        try SQLiteBroker(path: location, durability: .full, scheduler: scheduler)
    }
    static let sqliteProcess = Backend(name: "sqlite?durability=process", isDurable: true) { scheduler, location in
        try SQLiteBroker(path: location, durability: .process, scheduler: scheduler)
    }

    /// The Redis server `scripts/test.sh` started (`FLOW_TEST_REDIS_PORT`); each test's pipeline name is its
    /// own, so tests never see each other's keys.
    static let redis = Backend(
        name: "redis",
        isDurable: true,
        open: { scheduler, location in
            // Leases run on Redis's (and the member's) real clock, and heartbeats on the rig's manual one, which
            // only moves when a test advances it: a lease long enough that a slow run never outlives it.
            try await RedisBroker.connect(
                redisConfiguration,
                pipeline: location,
                lease: .seconds(600),
                scheduler: scheduler
            )
        },
        crash: { broker, location in
            await (broker as? RedisBroker)?.halt()
            // The leases and heartbeats of the halted process, as they are once `lease` has passed.
            let client = RESPClient(redisConfiguration)
            var cursor = "0"
            repeat {
                let reply = try await client.send(
                    RESPCommand("SCAN", RESPArgument(cursor), "MATCH", RESPArgument("flow:{\(location)}:[lm]:*"))
                )
                cursor = reply.array?.first?.string ?? "0"
                for key in reply.array?.last?.array ?? [] {
                    try await client.send(RESPCommand("DEL", RESPArgument(bytes: key.bytes ?? [])))
                }
            } while cursor != "0"
        }
    )

    static let redisConfiguration = RESPConfiguration(
        host: "127.0.0.1",
        port: ProcessInfo.processInfo.environment["FLOW_TEST_REDIS_PORT"].flatMap { Int($0) } ?? 6379
    )

    /// Redis joins when the test script started a server for it (plain `swift test` runs the others).
    static let all: [Backend] =
        [.memory, .sqliteFull, .sqliteProcess]
        + (ProcessInfo.processInfo.environment["FLOW_TEST_REDIS_PORT"] == nil ? [] : [.redis])
    static let durable: [Backend] = all.filter(\.isDurable)
}
