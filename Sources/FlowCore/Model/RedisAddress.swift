/// Where a Redis server is, parsed from
/// `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB][?lease=DURATION&abandon_limit=N]`.
///
/// Invariants: `port` is 1...65535, `database` 0 or more, `lease` positive, `abandonLimit` 1 or more;
/// `description` never shows the
/// password (it reads `:***@`), so the URL can go into logs and summaries.
public struct RedisAddress: Sendable, Hashable, CustomStringConvertible {
    /// How long a partition's lease lasts when the URL does not say (`?lease=10s`).
    public static let defaultLease: Duration = .seconds(10)

    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var database: Int
    /// How long a member owns a partition without renewing; a dead member's partitions move after it.
    public var lease: Duration
    /// How many attempts begun on a record by processes that ended (or lost its partition) mid-attempt are
    /// allowed before the record is dead-lettered without another (`AbandonedAttempts`).
    public var abandonLimit: Int

    public init(
        host: String,
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        database: Int = 0,
        lease: Duration = RedisAddress.defaultLease,
        abandonLimit: Int = BrokerURL.defaultAbandonLimit
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.lease = lease
        self.abandonLimit = abandonLimit
    }

    /// Parses what follows `redis://`; the error is a lower-case message quoting the offending part.
    static func parse(_ text: Substring) -> Result<RedisAddress, BrokerURLError> {
        func failure(_ message: String) -> Result<RedisAddress, BrokerURLError> {
            .failure(BrokerURLError(message: message))
        }
        var rest = text
        var lease = defaultLease
        var abandonLimit = BrokerURL.defaultAbandonLimit
        if let question = rest.firstIndex(of: "?") {
            for item in rest[rest.index(after: question)...].split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
                switch pair.first {
                case "lease" where pair.count == 2:
                    guard let duration = DurationText.parse(pair[1]), duration > .zero else {
                        return failure("lease must be a duration such as 10s, not \"\(pair[1])\"")
                    }
                    lease = duration
                case "abandon_limit" where pair.count == 2:
                    switch BrokerURL.abandonLimit(pair[1]) {
                    case .success(let limit): abandonLimit = limit
                    case .failure(let error): return .failure(error)
                    }
                default:
                    return failure("unknown redis option \"\(item)\" (known: lease, abandon_limit)")
                }
            }
            rest = rest[..<question]
        }
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let credentials = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                username = credentials[..<colon].isEmpty ? nil : String(credentials[..<colon])
                password = String(credentials[credentials.index(after: colon)...])
            } else {
                password = String(credentials)
            }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let text = rest[rest.index(after: slash)...]
            guard text.isEmpty || Int(text).map({ $0 >= 0 }) == true else {
                return failure("redis database must be a number such as 0, not \"\(text)\"")
            }
            database = Int(text) ?? 0
            rest = rest[..<slash]
        }
        var host = rest
        var port = 6379
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()), (1...65535).contains(number) else {
                    return failure("redis port must be 1 to 65535, not \"\(after.dropFirst())\"")
                }
                port = number
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            let text = rest[rest.index(after: colon)...]
            guard let number = Int(text), (1...65535).contains(number) else {
                return failure("redis port must be 1 to 65535, not \"\(text)\"")
            }
            port = number
        }
        guard !host.isEmpty else { return failure("redis broker needs a host, e.g. redis://127.0.0.1:6379/0") }
        return .success(
            RedisAddress(
                host: String(host),
                port: port,
                username: username,
                password: password,
                database: database,
                lease: lease,
                abandonLimit: abandonLimit
            )
        )
    }

    public var description: String {
        let credentials = password == nil ? "" : "\(username ?? ""):***@"
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        let query = BrokerURL.query([
            lease == Self.defaultLease ? nil : "lease=\(DurationText.format(lease))",
            abandonLimit == BrokerURL.defaultAbandonLimit ? nil : "abandon_limit=\(abandonLimit)",
        ])
        return "redis://\(credentials)\(host):\(port)/\(database)\(query)"
    }
}
