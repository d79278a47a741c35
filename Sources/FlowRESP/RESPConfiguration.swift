/// Where a Redis server is and how long to wait for it.
///
/// Invariant: `description` and `endpoint` never contain the password.
public struct RESPConfiguration: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The ACL user for `AUTH user password`; nil authenticates as the default user.
    public var username: String?
    /// Sent with `AUTH` on every new connection; nil sends no `AUTH`.
    public var password: String?
    /// The logical database, `SELECT`ed on every new connection when not 0.
    public var database: Int
    /// How long a TCP connection may take to open.
    public var connectTimeout: Duration
    /// How long a command (or a pipeline, from its write to its last reply) may take.
    public var commandTimeout: Duration
    /// The waits between failed connection attempts.
    public var backoff: RESPBackoff

    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        connectTimeout: Duration = .seconds(5),
        commandTimeout: Duration = .seconds(10),
        backoff: RESPBackoff = RESPBackoff()
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.backoff = backoff
    }

    /// `host:port` (IPv6 hosts in brackets).
    public var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// `redis://host:port/db`, with `:***@` where a password is set.
    public var description: String {
        let credentials = password == nil ? "" : "\(username ?? ""):***@"
        return "redis://\(credentials)\(endpoint)/\(database)"
    }
}
