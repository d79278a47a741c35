/// One reply in RESP2, the protocol Redis speaks to a client that did not ask for RESP3.
///
/// Invariant: `.error` holds the server's message without the leading `-` and the trailing CRLF; the null
/// bulk string and the null array are both `.null`.
public enum RESPValue: Sendable, Equatable {
    case simpleString(String)
    case error(String)
    case integer(Int64)
    case bulkString([UInt8])
    case array([RESPValue])
    case null

    /// The text of a simple or bulk string (bulk bytes read as UTF-8); nil for every other kind.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes): String(decoding: bytes, as: UTF8.self)
        default: nil
        }
    }

    /// An integer reply, or a string reply that holds a decimal integer; nil otherwise.
    public var integer: Int64? {
        switch self {
        case .integer(let number): number
        case .simpleString, .bulkString: string.flatMap { Int64($0) }
        default: nil
        }
    }

    /// The elements of an array reply; nil for every other kind (`.null` included).
    public var array: [RESPValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The bytes of a bulk string (or of a simple string's UTF-8); nil otherwise.
    public var bytes: [UInt8]? {
        switch self {
        case .bulkString(let bytes): bytes
        case .simpleString(let text): Array(text.utf8)
        default: nil
        }
    }
}

extension RESPValue {
    /// The reply itself, or the server error it holds thrown as `RESPError.server` naming `command`.
    @discardableResult
    public func checked(_ command: RESPCommand) throws(RESPError) -> RESPValue {
        if case .error(let message) = self { throw .server(message: message, command: command.description) }
        return self
    }
}
