import NIOCore
import NIOEmbedded
import Testing

@testable import FlowRESP

/// The connection over an in-memory channel whose event loop's clock the test advances.
@Suite struct RESPConnectionTests {
    private func connected() async throws -> (NIOAsyncTestingChannel, RESPConnection) {
        let channel = try await NIOAsyncTestingChannel { try RESPConnection.addHandlers(to: $0, endpoint: "test:1") }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1))
        return (channel, RESPConnection(channel: channel, endpoint: "test:1"))
    }

    @Test func pipelinedCommandsGoOutInOneWriteAndTakeTheirRepliesInOrder() async throws {
        let (channel, connection) = try await connected()
        async let replies = connection.send(
            [RESPCommand("GET", "a"), RESPCommand("INCR", "b"), RESPCommand("GET", "c")],
            timeout: .seconds(1)
        )
        var written = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        while let more = try await channel.readOutbound(as: ByteBuffer.self) { written.writeImmutableBuffer(more) }
        #expect(
            String(buffer: written)
                == "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*2\r\n$4\r\nINCR\r\n$1\r\nb\r\n*2\r\n$3\r\nGET\r\n$1\r\nc\r\n"
        )
        try await channel.writeInbound(ByteBuffer(string: "$1\r\nx\r\n:3\r\n-WRONGTYPE"))
        try await channel.writeInbound(ByteBuffer(string: " not a string\r\n"))
        #expect(try await replies == [.bulkString([0x78]), .integer(3), .error("WRONGTYPE not a string")])
        #expect(throws: RESPError.server(message: "WRONGTYPE not a string", command: "GET c")) {
            try RESPValue.error("WRONGTYPE not a string").checked(RESPCommand("GET", "c"))
        }
    }

    @Test func aTimeoutClosesTheConnectionAndFailsWhatWaits() async throws {
        let (channel, connection) = try await connected()
        let replies = Task { try await connection.send([RESPCommand("BLPOP", "q", 0)], timeout: .seconds(2)) }
        _ = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        await channel.testingEventLoop.advanceTime(by: .seconds(1))
        #expect(connection.isActive)
        await channel.testingEventLoop.advanceTime(by: .seconds(1))
        await #expect(throws: RESPError.timedOut(command: "BLPOP q", after: .seconds(2))) { try await replies.value }
        #expect(!connection.isActive)
        await #expect(throws: RESPError.connectionClosed(endpoint: "test:1", command: "PING")) {
            try await connection.send([RESPCommand("PING")], timeout: .seconds(1))
        }
    }

    @Test func aClosedConnectionFailsEveryWaitingCommand() async throws {
        let (channel, connection) = try await connected()
        let replies = Task {
            try await connection.send([RESPCommand("GET", "a"), RESPCommand("GET", "b")], timeout: .seconds(5))
        }
        _ = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        try await channel.writeInbound(ByteBuffer(string: "$-1\r\n"))
        try await channel.close()
        await #expect(throws: RESPError.connectionClosed(endpoint: "test:1", command: "GET b")) {
            try await replies.value
        }
    }

    @Test func aReplyNobodyAskedForClosesTheConnection() async throws {
        let (channel, connection) = try await connected()
        try await channel.writeInbound(ByteBuffer(string: "+OK\r\n"))
        #expect(!connection.isActive)
    }
}
