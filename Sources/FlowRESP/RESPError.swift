/// What can go wrong talking to Redis, each case saying where and, when a command caused it, which one.
///
/// Invariant: no case carries a password or a command's values: `command` is `RESPCommand.description`.
public enum RESPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Redis answered `command` with an error reply (`WRONGTYPE …`, `OOM …`, `NOSCRIPT …`).
    case server(message: String, command: String)
    /// No connection could be made to `endpoint`.
    case unreachable(endpoint: String, reason: String)
    /// The connection to `endpoint` closed before `command` was answered; it may or may not have run.
    case connectionClosed(endpoint: String, command: String)
    /// `command` got no answer within `after`; the connection was closed, so later replies cannot be
    /// mistaken for its own.
    case timedOut(command: String, after: Duration)
    /// The bytes from `endpoint` are not RESP2 (or a reply came that nothing asked for).
    case protocolViolation(endpoint: String, reason: String)

    /// The first word of a server error (`WRONGTYPE`, `NOSCRIPT`, `BUSYGROUP`); nil for other cases.
    public var serverCode: String? {
        guard case .server(let message, _) = self else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    /// Whether the error came from the connection rather than from Redis refusing a command: a new connection
    /// may succeed.
    public var isConnectionError: Bool {
        switch self {
        case .server: false
        case .unreachable, .connectionClosed, .timedOut, .protocolViolation: true
        }
    }

    public var description: String {
        switch self {
        case .server(let message, let command): "redis refused \(command): \(message)"
        case .unreachable(let endpoint, let reason): "cannot connect to redis at \(endpoint): \(reason)"
        case .connectionClosed(let endpoint, let command):
            "the connection to redis at \(endpoint) closed before \(command) was answered"
        case .timedOut(let command, let after): "redis did not answer \(command) within \(after)"
        case .protocolViolation(let endpoint, let reason): "redis at \(endpoint) broke the protocol: \(reason)"
        }
    }
}
