import NIOCore

extension ByteBuffer {
    /// Appends `command` as a RESP2 array of bulk strings (`*N\r\n$len\r\nbytes\r\n…`).
    mutating func writeRESPCommand(_ command: RESPCommand) {
        writeRESPHeader(UInt8(ascii: "*"), command.arguments.count)
        for argument in command.arguments {
            writeRESPHeader(UInt8(ascii: "$"), argument.count)
            writeBytes(argument)
            writeStaticString("\r\n")
        }
    }

    private mutating func writeRESPHeader(_ type: UInt8, _ count: Int) {
        writeInteger(type)
        writeString(String(count))
        writeStaticString("\r\n")
    }
}

extension RESPCommand {
    /// The bytes `writeRESPCommand` appends, at least (a buffer of this capacity needs no growth).
    var encodedSize: Int { arguments.reduce(16) { $0 + $1.count + 16 } }
}
