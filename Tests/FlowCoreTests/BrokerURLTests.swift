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
    ])
    func urlsParseToTheirBackend(text: String, url: BrokerURL) throws {
        #expect(try BrokerURL.parse(text).get() == url)
    }

    @Test(arguments: [
        ("kafka://localhost:9092", "unknown broker \"kafka\""),
        ("sqlite:", "sqlite broker needs a file path"),
        ("sqlite:orders.db?durability=maybe", "durability must be full or process, not \"maybe\""),
        ("sqlite:orders.db?mode=ro", "unknown sqlite option \"mode=ro\" (known: durability)"),
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
        ] {
            #expect(try BrokerURL.parse(url.description).get() == url)
        }
        #expect(BrokerURL.sqlite(path: "x.db", durability: .full).isDurable)
        #expect(!BrokerURL.memory.isDurable)
    }
}
