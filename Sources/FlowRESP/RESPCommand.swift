/// A command as Redis receives it: an array of bulk strings, the first one its name.
///
/// Invariant: `arguments` is never empty; `description` names the command and the key it acts on, never a
/// value or a password, so it can go into errors and logs.
public struct RESPCommand: Sendable, CustomStringConvertible {
    /// The name and the arguments, each as the bytes Redis receives.
    public var arguments: [[UInt8]]

    /// `name` with `arguments` in order, e.g. `RESPCommand("XADD", key, "*", "e", payload)`.
    public init(_ name: String, _ arguments: [RESPArgument]) {
        self.arguments = [Array(name.utf8)] + arguments.map(\.bytes)
    }

    /// `name` with `arguments` in order.
    public init(_ name: String, _ arguments: RESPArgument...) {
        self.init(name, arguments)
    }

    /// The command's name in capitals.
    public var name: String { String(decoding: arguments[0], as: UTF8.self).uppercased() }

    /// The name and, for commands that act on a key, that key: `XADD flow:orders:0`. `AUTH` and `HELLO` show
    /// their name only; scripts show their first key (`EVALSHA … 1 flow:orders:0 …` reads as
    /// `EVALSHA flow:orders:0`), `XREADGROUP` the first stream.
    public var description: String {
        guard let key = keyArgument else { return name }
        return "\(name) \(key)"
    }

    /// Commands whose first argument is not a key (or is a secret).
    private static let keyless: Set<String> = [
        "AUTH", "HELLO", "PING", "MULTI", "EXEC", "DISCARD", "SELECT", "CLIENT", "INFO", "SCRIPT", "FLUSHDB",
        "FLUSHALL", "DBSIZE", "TIME", "CONFIG", "DEBUG",
    ]

    private var keyArgument: String? {
        func text(_ index: Int) -> String? {
            index < arguments.count ? String(decoding: arguments[index], as: UTF8.self) : nil
        }
        switch name {
        case "EVAL", "EVALSHA", "FCALL": return (text(2).flatMap { Int($0) } ?? 0) > 0 ? text(3) : nil
        case "XREAD", "XREADGROUP":
            return arguments.firstIndex { String(decoding: $0, as: UTF8.self).uppercased() == "STREAMS" }
                .flatMap { text($0 + 1) }
        case _ where Self.keyless.contains(name): return nil
        default: return text(1)
        }
    }
}

/// One argument of a command: text, raw bytes or an integer, sent as a bulk string.
public struct RESPArgument: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    /// The bytes sent.
    public var bytes: [UInt8]

    /// Raw bytes (a stored event, a binary key).
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Text as UTF-8.
    public init(_ text: String) { bytes = Array(text.utf8) }

    /// An integer in decimal.
    public init(_ number: some BinaryInteger) { bytes = Array(String(number).utf8) }

    public init(stringLiteral value: String) { self.init(value) }

    public init(integerLiteral value: Int) { self.init(value) }
}
