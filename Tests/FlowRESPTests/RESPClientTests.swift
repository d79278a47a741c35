import FlowRESP
import Synchronization
import Testing

/// The client against the real `redis-server` the test script started.
@Suite(.enabled(if: TestRedis.available, "needs the redis-server scripts/test.sh starts"))
struct RESPClientTests {
    @Test func bytesRoundTripAndPipelinedRepliesComeInOrder() async throws {
        let client = RESPClient(TestRedis.configuration())
        let key = TestRedis.prefix() + "counter"
        let binary: [UInt8] = [0, 0x0D, 0x0A, 0xFF, 0x24]
        try await client.send(RESPCommand("SET", RESPArgument(key + ":b"), RESPArgument(bytes: binary)))
        #expect(try await client.send(RESPCommand("GET", RESPArgument(key + ":b"))).bytes == binary)
        let replies = try await client.pipeline(Array(repeating: RESPCommand("INCR", RESPArgument(key)), count: 1_000))
        #expect(replies.map(\.integer) == (1...1_000).map { Int64($0) })
        try await client.send(RESPCommand("DEL", RESPArgument(key), RESPArgument(key + ":b")))
    }

    @Test func aRefusedCommandNamesItsKey() async throws {
        let client = RESPClient(TestRedis.configuration())
        let key = TestRedis.prefix() + "plain"
        try await client.send(RESPCommand("SET", RESPArgument(key), "x"))
        do {
            try await client.send(RESPCommand("XADD", RESPArgument(key), "*", "e", "{}"))
            Issue.record("XADD on a string key succeeded")
        } catch {
            #expect(error.serverCode == "WRONGTYPE")
            #expect(error.description.hasPrefix("redis refused XADD \(key): WRONGTYPE"))
        }
        try await client.send(RESPCommand("DEL", RESPArgument(key)))
    }

    @Test func aTransactionRunsWholeOrAbortsWhole() async throws {
        let client = RESPClient(TestRedis.configuration())
        let key = TestRedis.prefix() + "n"
        let incr = RESPCommand("INCR", RESPArgument(key))
        #expect(try await client.transaction([incr, incr]).map(\.integer) == [1, 2])
        await #expect(throws: RESPError.self) { try await client.transaction([incr, RESPCommand("NOSUCHCOMMAND")]) }
        #expect(try await client.send(RESPCommand("GET", RESPArgument(key))).integer == 2)
        try await client.send(RESPCommand("DEL", RESPArgument(key)))
    }

    @Test func aKilledConnectionIsMadeAgainOnTheNextCommand() async throws {
        let client = RESPClient(TestRedis.configuration())
        let admin = RESPClient(TestRedis.configuration())
        let first = try #require(try await client.send(RESPCommand("CLIENT", "ID")).integer)
        try await admin.send(RESPCommand("CLIENT", "KILL", "ID", RESPArgument(first)))
        var second: Int64?
        for _ in 0..<3 where second == nil {
            do {
                second = try await client.send(RESPCommand("CLIENT", "ID")).integer
            } catch {
                #expect(error.isConnectionError)
            }
        }
        #expect(second != nil && second != first)
        #expect(await client.reconnects == 1)
    }

    @Test func anUnreachableServerFailsAtOnceThenBacksOff() async throws {
        let delays = Mutex<[Duration]>([])
        let configuration = RESPConfiguration(host: "127.0.0.1", port: try TestRedis.closedPort())
        let client = RESPClient(configuration) { delay in delays.withLock { $0.append(delay) } }
        for _ in 0..<3 {
            await #expect {
                try await client.send(RESPCommand("PING"))
            } throws: { error in
                guard case .unreachable(let endpoint, _) = error as? RESPError else { return false }
                return endpoint == configuration.endpoint
            }
        }
        #expect(delays.withLock { $0 } == [.milliseconds(100), .milliseconds(200)])
    }

    @Test func aWrongPasswordIsRefusedWithoutShowingIt() async throws {
        var configuration = TestRedis.configuration()
        configuration.password = "hunter2"
        let client = RESPClient(configuration)
        do {
            try await client.send(RESPCommand("PING"))
            Issue.record("PING with a wrong password succeeded")
        } catch {
            #expect(error.description.hasPrefix("redis refused AUTH: "))
            #expect(!error.description.contains("hunter2"))
        }
    }
}
