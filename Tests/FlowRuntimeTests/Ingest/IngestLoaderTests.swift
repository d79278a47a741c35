import FlowCore
import FlowYAML
import Testing

/// The loader's reading of an `http` producer.
struct IngestLoaderTests {
    static func load(_ http: String) -> PipelineLoader.Result {
        let text = """
            version: 1
            topics:
              orders: {}
            producers:
              web: { to: orders, http: \(http) }
            consumers:
              c: { from: orders, steps: [drop] }
            """
        return PipelineLoader().load(text: text, file: "ingest.yml")
    }

    @Test func listenAndPathAreRead() throws {
        let result = Self.load("{ listen: 127.0.0.1:8080, path: /hooks/orders }")
        let producer = try #require(result.pipeline?.producers.first)
        guard case .http(let listen, let path) = producer.source else {
            Issue.record("expected an http source")
            return
        }
        #expect(listen == "127.0.0.1:8080")
        #expect(path == "/hooks/orders")
    }

    @Test func pathDefaultsToEvents() throws {
        let producer = try #require(Self.load("{ listen: \"[::1]:0\" }").pipeline?.producers.first)
        guard case .http(_, let path) = producer.source else {
            Issue.record("expected an http source")
            return
        }
        #expect(path == "/events")
    }

    @Test(arguments: [
        ("{ listen: 8080 }", "producer \"web\" listens on \"8080\", which is not host:port"),
        ("{ listen: \"localhost:70000\" }", "producer \"web\" listens on \"localhost:70000\", which is not host:port"),
        (
            "{ listen: \"127.0.0.1:80\", path: events }",
            "producer \"web\" has http path \"events\", which is not an absolute path"
        ),
    ])
    func badValuesAreInvalidValueErrorsWithAHint(http: String, message: String) {
        let errors = Self.load(http).diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.message) == [message])
        #expect(errors.first?.rule == .invalidValue)
        #expect(errors.first?.hint != nil)
    }

    @Test func httpExcludesTheOtherSources() {
        let text = """
            version: 1
            topics:
              orders: {}
            producers:
              web: { to: orders, stdin: {}, http: { listen: "127.0.0.1:1" } }
            consumers:
              c: { from: orders, steps: [drop] }
            """
        let errors = PipelineLoader().load(text: text, file: "x.yml").diagnostics.filter { $0.severity == .error }
        #expect(!errors.isEmpty)
    }
}
