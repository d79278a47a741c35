/// Where a pipeline's topics live, parsed from the `broker:` key or `flow run --broker`.
///
/// Invariants: `sqlite` paths are non-empty and keep their spelling (relative paths are resolved against the
/// working directory by whoever opens them); a URL round-trips through `description`, except a Redis password,
/// which `description` never shows. New backends add a
/// case here and a scheme to `schemes`, so `flow validate` and `flow run` accept exactly the same URLs.
public enum BrokerURL: Sendable, Hashable, CustomStringConvertible {
    /// How much an acknowledged write survives on a durable backend.
    public enum Durability: String, Sendable, Hashable, CaseIterable {
        /// Survives power loss: every commit is fsynced (SQLite `synchronous=FULL`).
        case full
        /// Survives the process being killed, not power loss (SQLite `synchronous=NORMAL` under WAL).
        case process
    }

    /// In-process, gone with the process.
    case memory
    /// An embedded SQLite file at `path` (relative to the working directory unless absolute); `abandonLimit`
    /// (1 or more) as on Redis: how many attempts of a record may be cut off by the process ending before
    /// the record is dead-lettered.
    case sqlite(path: String, durability: Durability, abandonLimit: Int = BrokerURL.defaultAbandonLimit)
    /// Redis Streams on a server several processes share.
    case redis(RedisAddress)

    /// How many attempts begun on a record and never finished (their process ended, or on Redis lost the
    /// record's partition) a durable backend allows before dead-lettering the record (`?abandon_limit=5`).
    public static let defaultAbandonLimit = 5

    /// The schemes a URL may start with, as users write them.
    public static let schemes = ["memory:", "sqlite:PATH", "redis://HOST:PORT/DB"]

    /// The hint every malformed URL gets.
    public static let hint =
        "write memory:, sqlite:PATH (e.g. sqlite:state/orders.db) or redis://HOST:PORT/DB (e.g. redis://127.0.0.1:6379/0)"

    /// Parses `text`; the error is a lower-case message quoting the offending part.
    public static func parse(_ text: String) -> Result<BrokerURL, BrokerURLError> {
        if text == "memory" || text == "memory:" { return .success(.memory) }
        if text.hasPrefix("redis://") {
            return RedisAddress.parse(text.dropFirst("redis://".count)).map(BrokerURL.redis)
        }
        guard text.hasPrefix("sqlite:") else {
            let scheme = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? text
            return .failure(BrokerURLError(message: "unknown broker \"\(scheme)\""))
        }
        var rest = Substring(text.dropFirst("sqlite:".count))
        var durability = Durability.full
        var abandonLimit = defaultAbandonLimit
        if let question = rest.firstIndex(of: "?") {
            let query = rest[rest.index(after: question)...]
            rest = rest[..<question]
            for item in query.split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1).map(String.init)
                switch pair.first {
                case "durability" where pair.count == 2:
                    guard let level = Durability(rawValue: pair[1]) else {
                        return .failure(
                            BrokerURLError(message: "durability must be full or process, not \"\(pair[1])\"")
                        )
                    }
                    durability = level
                case "abandon_limit" where pair.count == 2:
                    switch Self.abandonLimit(pair[1]) {
                    case .success(let limit): abandonLimit = limit
                    case .failure(let error): return .failure(error)
                    }
                default:
                    return .failure(
                        BrokerURLError(message: "unknown sqlite option \"\(item)\" (known: durability, abandon_limit)")
                    )
                }
            }
        }
        // `sqlite:///abs` and `sqlite://rel` are accepted as URL spellings of `sqlite:/abs` and `sqlite:rel`.
        if rest.hasPrefix("//") { rest = rest.dropFirst(2) }
        guard !rest.isEmpty else { return .failure(BrokerURLError(message: "sqlite broker needs a file path")) }
        return .success(.sqlite(path: String(rest), durability: durability, abandonLimit: abandonLimit))
    }

    /// The value of an `abandon_limit` option (of `sqlite:` and `redis://` URLs): a whole number of 1 or more.
    static func abandonLimit(_ text: String) -> Result<Int, BrokerURLError> {
        guard let limit = Int(text), limit >= 1 else {
            return .failure(
                BrokerURLError(message: "abandon_limit must be a whole number of 1 or more, not \"\(text)\"")
            )
        }
        return .success(limit)
    }

    /// The URL in its canonical spelling.
    public var description: String {
        switch self {
        case .memory: "memory:"
        case .sqlite(let path, let durability, let abandonLimit):
            "sqlite:\(path)"
                + Self.query([
                    durability == .full ? nil : "durability=\(durability.rawValue)",
                    abandonLimit == Self.defaultAbandonLimit ? nil : "abandon_limit=\(abandonLimit)",
                ])
        case .redis(let address): address.description
        }
    }

    /// `?A&B` of the options given, or nothing when none is.
    static func query(_ options: [String?]) -> String {
        let given = options.compactMap(\.self)
        return given.isEmpty ? "" : "?" + given.joined(separator: "&")
    }

    /// Whether what the backend acknowledged outlives the process.
    public var isDurable: Bool {
        if case .memory = self { return false }
        return true
    }
}

/// Why a broker URL does not parse; `message` is what users see, `BrokerURL.hint` says what to write.
public struct BrokerURLError: Error, Sendable, Hashable {
    /// Lower-case, quoting the offending part.
    public var message: String
}
