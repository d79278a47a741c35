import Testing

@testable import FlowRESP

@Suite struct RESPCommandTests {
    @Test(arguments: [
        (RESPCommand("xadd", "flow:p:orders:0", "*", "e", "{\"secret\":1}"), "XADD flow:p:orders:0"),
        (RESPCommand("AUTH", "user", "hunter2"), "AUTH"),
        (RESPCommand("EVALSHA", "abc", 2, "flow:k1", "flow:k2", "value"), "EVALSHA flow:k1"),
        (RESPCommand("EVAL", "return 1", 0, "value"), "EVAL"),
        (RESPCommand("XREADGROUP", "GROUP", "g", "c", "COUNT", 10, "STREAMS", "flow:s:0", ">"), "XREADGROUP flow:s:0"),
        (RESPCommand("PING"), "PING"),
    ])
    func descriptionNamesTheKeyNeverAValueOrSecret(command: RESPCommand, expected: String) {
        #expect(command.description == expected)
    }

    @Test func configurationHidesThePassword() {
        let configuration = RESPConfiguration(host: "10.0.0.5", port: 6380, password: "hunter2", database: 3)
        #expect(configuration.description == "redis://:***@10.0.0.5:6380/3")
        #expect(!String(describing: configuration).contains("hunter2"))
        #expect(RESPConfiguration(host: "::1").endpoint == "[::1]:6379")
    }

    @Test func backoffDoublesFromImmediateUpToItsMaximum() {
        let backoff = RESPBackoff(initial: .milliseconds(100), maximum: .seconds(1))
        #expect(
            (0...6).map { backoff.delay(after: $0) } == [
                .zero, .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
                .seconds(1),
            ]
        )
        #expect(backoff.delay(after: 10_000) == .seconds(1))
    }

    @Test func serverErrorsCarryTheirCode() {
        let error = RESPError.server(message: "WRONGTYPE Operation against a key", command: "XADD k")
        #expect(error.serverCode == "WRONGTYPE")
        #expect(!error.isConnectionError)
        #expect(error.description == "redis refused XADD k: WRONGTYPE Operation against a key")
        #expect(RESPError.timedOut(command: "PING", after: .seconds(1)).isConnectionError)
    }
}
