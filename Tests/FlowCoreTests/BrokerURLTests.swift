import FlowCore
import Testing

struct BrokerURLTests {
    @Test(arguments: [
        ("memory", BrokerURL.memory),
        ("memory:", .memory),
        ("sqlite:state/orders.db", .sqlite(path: "state/orders.db", durability: .full)),
        ("sqlite://orders.db", .sqlite(path: "orders.db", durability: .full)),
        ("sqlite:///var/lib/flow/orders.db", .sqlite(path: "/var/lib/flow/orders.db", durability: .full)),
        ("sqlite:orders.db?durability=process", .sqlite(path: "orders.db", durability: .process)),
        ("sqlite:orders.db?durability=full", .sqlite(path: "orders.db", durability: .full)),
        (
            "sqlite:o.db?abandon_limit=3&durability=process",
            .sqlite(path: "o.db", durability: .process, abandonLimit: 3)
        ),
        ("redis://10.0.0.5:6380/2", .redis(RedisAddress(host: "10.0.0.5", port: 6380, database: 2))),
        ("redis://localhost", .redis(RedisAddress(host: "localhost"))),
        ("redis://:s3cr:et@cache:6379/0", .redis(RedisAddress(host: "cache", password: "s3cr:et"))),
        ("redis://flow:pw@cache/1", .redis(RedisAddress(host: "cache", username: "flow", password: "pw", database: 1))),
        ("redis://[::1]:7000/0?lease=2s", .redis(RedisAddress(host: "::1", port: 7000, lease: .seconds(2)))),
        ("redis://h/0?abandon_limit=2&lease=3s", .redis(RedisAddress(host: "h", lease: .seconds(3), abandonLimit: 2))),
    ])
    func urlsParseToTheirBackend(text: String, url: BrokerURL) throws {
        #expect(try BrokerURL.parse(text).get() == url)
    }

    @Test(arguments: [
        ("kafka://localhost:9092", "unknown broker \"kafka\""),
        ("sqlite:", "sqlite broker needs a file path"),
        ("sqlite:orders.db?durability=maybe", "durability must be full or process, not \"maybe\""),
        ("sqlite:orders.db?mode=ro", "unknown sqlite option \"mode=ro\" (known: durability, abandon_limit)"),
        ("sqlite:orders.db?abandon_limit=-1", "abandon_limit must be a whole number of 1 or more, not \"-1\""),
        ("redis://", "redis broker needs a host, e.g. redis://127.0.0.1:6379/0"),
        ("redis://h:99999/0", "redis port must be 1 to 65535, not \"99999\""),
        ("redis://h:6379/zero", "redis database must be a number such as 0, not \"zero\""),
        ("redis://h?lease=soon", "lease must be a duration such as 10s, not \"soon\""),
        ("redis://h?ttl=1s", "unknown redis option \"ttl=1s\" (known: lease, abandon_limit)"),
        ("redis://h?abandon_limit=0", "abandon_limit must be a whole number of 1 or more, not \"0\""),
        ("redis://h?lease", "unknown redis option \"lease\" (known: lease, abandon_limit)"),
    ])
    func malformedURLsSayWhatIsWrong(text: String, message: String) {
        guard case .failure(let error) = BrokerURL.parse(text) else {
            Issue.record("\(text) parsed")
            return
        }
        #expect(error.message == message)
    }

    @Test func theCanonicalSpellingParsesBackToTheSameURL() throws {
        for url in [
            BrokerURL.memory, .sqlite(path: "a/b.db", durability: .process), .sqlite(path: "/c.db", durability: .full),
            .sqlite(path: "d.db", durability: .full, abandonLimit: 2),
        ] {
            #expect(try BrokerURL.parse(url.description).get() == url)
        }
        let redis = RedisAddress(host: "10.0.0.5", port: 6380, database: 3, lease: .milliseconds(1500))
        #expect(try BrokerURL.parse(BrokerURL.redis(redis).description).get() == .redis(redis))
        let limited = RedisAddress(host: "h", lease: .seconds(2), abandonLimit: 9)
        #expect(BrokerURL.redis(limited).description == "redis://h:6379/0?lease=2s&abandon_limit=9")
        #expect(try BrokerURL.parse(BrokerURL.redis(limited).description).get() == .redis(limited))
        #expect(BrokerURL.sqlite(path: "x.db", durability: .full).isDurable)
        #expect(!BrokerURL.memory.isDurable)
    }

    @Test func aRedisPasswordIsNeverShown() throws {
        let url = try BrokerURL.parse("redis://admin:hunter2@cache:6379/0").get()
        #expect(url.description == "redis://admin:***@cache:6379/0")
        #expect(!"\(url)".contains("hunter2"))
    }
}
