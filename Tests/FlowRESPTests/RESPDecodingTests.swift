import NIOCore
import Testing

@testable import FlowRESP

@Suite struct RESPDecodingTests {
    private func decodeAll(_ text: String) throws -> [RESPValue] {
        var buffer = ByteBuffer(string: text)
        var decoder = RESPDecoder(endpoint: "test:1")
        var values: [RESPValue] = []
        while let value = try decoder.decode(buffer: &buffer) { values.append(value) }
        #expect(buffer.readableBytes == 0)
        return values
    }

    @Test func everyKindOfReply() throws {
        let values = try decodeAll(
            "+OK\r\n-WRONGTYPE bad key\r\n:-42\r\n$5\r\nhe\r\no\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n"
        )
        #expect(
            values == [
                .simpleString("OK"), .error("WRONGTYPE bad key"), .integer(-42), .bulkString(Array("he\r\no".utf8)),
                .bulkString([]), .null, .null, .array([]),
            ]
        )
    }

    @Test func nestedArraysAsXAUTOCLAIMAnswers() throws {
        let text = "*3\r\n$3\r\n0-0\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\ne\r\n$2\r\n{}\r\n*1\r\n$3\r\n2-0\r\n"
        let values = try decodeAll(text)
        let expected: RESPValue = .array([
            .bulkString(Array("0-0".utf8)),
            .array([
                .array([.bulkString(Array("1-1".utf8)), .array([.bulkString([0x65]), .bulkString(Array("{}".utf8))])])
            ]),
            .array([.bulkString(Array("2-0".utf8))]),
        ])
        #expect(values == [expected])
    }

    /// Bytes arriving one at a time: nothing is consumed until a reply is whole, then exactly that reply.
    @Test func aReplySplitAnywhereDecodesOnceWhole() throws {
        let text = Array("*2\r\n$3\r\nfoo\r\n:7\r\n+PONG\r\n".utf8)
        var buffer = ByteBuffer()
        var decoder = RESPDecoder(endpoint: "test:1")
        var values: [RESPValue] = []
        for byte in text {
            buffer.writeInteger(byte)
            while let value = try decoder.decode(buffer: &buffer) { values.append(value) }
        }
        #expect(values == [.array([.bulkString(Array("foo".utf8)), .integer(7)]), .simpleString("PONG")])
        #expect(buffer.readableBytes == 0)
    }

    @Test(arguments: [
        ("%1\r\n", "type '%'"), (":12a\r\n", "integer reply of '12a'"), ("$-2\r\n", "bulk string length of '-2'"),
        ("$2\r\nabcd\r\n", "not followed by CRLF"), ("+OK\rX", "CR not followed by LF"),
    ])
    func malformedBytesAreAProtocolViolation(text: String, reason: String) {
        var buffer = ByteBuffer(string: text)
        var decoder = RESPDecoder(endpoint: "test:1")
        do {
            _ = try decoder.decode(buffer: &buffer)
            Issue.record("decoded \(text.debugDescription)")
        } catch {
            guard case .protocolViolation(let endpoint, let message) = error as? RESPError else {
                Issue.record("\(error)")
                return
            }
            #expect(endpoint == "test:1")
            #expect(message.contains(reason))
        }
    }

    @Test func nestingIsBounded() {
        var buffer = ByteBuffer(string: String(repeating: "*1\r\n", count: RESPDecoder.maxDepth + 1) + ":1\r\n")
        var decoder = RESPDecoder(endpoint: "test:1")
        #expect(throws: RESPError.self) { _ = try decoder.decode(buffer: &buffer) }
    }

    @Test func commandsAreArraysOfBulkStrings() {
        var buffer = ByteBuffer()
        buffer.writeRESPCommand(RESPCommand("SET", "k", RESPArgument(bytes: [0, 0x0D, 0x0A]), 12))
        #expect(String(buffer: buffer) == "*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n\0\r\n\r\n$2\r\n12\r\n")
        #expect(RESPCommand("SET", "k", RESPArgument(bytes: [0, 0x0D, 0x0A]), 12).encodedSize >= buffer.readableBytes)
    }
}
