import FlowCore
import FlowYAML
import Foundation
import Hummingbird
import Testing

@testable import FlowRuntime

/// The `http` step against a scripted local server: each test starts its own server on a free port.
struct HTTPStepTests {
    /// Runs `steps` (YAML under `steps:`, `URL` replaced by the server's hook URL) for `event` and returns
    /// the result and the server's requests.
    static func run(
        _ steps: String,
        event: CloudEvent = order(),
        environment: [String: String] = [:],
        reply: @escaping @Sendable (ScriptedServer.Received) -> ScriptedServer.Reply
    ) async throws -> (result: HandlerResult, requests: [ScriptedServer.Received], logs: LogCapture) {
        let server = try await ScriptedServer.start(reply)
        let yaml = steps.replacingOccurrences(of: "URL", with: server.url())
        let harness = try StepHarness(yaml, environment: environment)
        let result = await handle(event, with: harness)
        await server.stop()
        return (result, server.requests, harness.logs)
    }

    /// The handler's result for `event`, awaited without blocking a thread (the servers share the pool).
    static func handle(_ event: CloudEvent, with harness: StepHarness) async -> HandlerResult {
        let input = HandlerInput(
            event: event,
            attempt: 1,
            key: nil,
            topic: "orders",
            position: RecordPosition(partition: 0, offset: 0)
        )
        return await withCheckedContinuation { continuation in
            harness.handler.handle(input) { continuation.resume(returning: $0) }
        }
    }

    @Test func structuredModePostsTheEventAndAJSONObjectReplacesData() async throws {
        let (result, requests, _) = try await Self.run("steps:\n  - http: URL\n  - emit: audit") { _ in
            .init(body: #"{"approved": true}"#)
        }
        let request = try #require(requests.first)
        #expect(request.headers["content-type"] == "application/cloudevents+json")
        let body = try Value(json: Array(request.body.utf8))
        #expect(body["id"] == "e1")
        #expect(body["specversion"] == "1.0")
        #expect(body["data"] == ["n": 2, "customer": "c7"])
        #expect(result.emitted?.first?.event.data == ["approved": true])
    }

    @Test func aJSONArrayBodyEmitsEvents() async throws {
        let (result, _, _) = try await Self.run("steps:\n  - http: URL") { _ in
            .init(body: #"[{"to": "audit", "type": "Audited", "data": {"x": 1}}, {"to": "payments"}]"#)
        }
        let emitted = try #require(result.emitted)
        #expect(emitted.map(\.topic) == ["audit", "payments"])
        #expect(emitted[0].event.type == "Audited")
        #expect(emitted[0].event.data == ["x": 1])
        #expect(emitted[1].key == "c7")
    }

    @Test func anEmptyOrNonJSONBodyLeavesTheEventUnchanged() async throws {
        let (result, _, _) = try await Self.run("steps:\n  - http: URL\n  - emit: audit") { _ in .init(body: "ok") }
        #expect(result.emitted?.first?.event.data == ["n": 2, "customer": "c7"])
    }

    @Test func serviceUnavailableIsRetryableAndCarriesRetryAfter() async throws {
        let (result, _, _) = try await Self.run("steps:\n  - http: URL") { _ in
            .init(status: .serviceUnavailable, body: "down for maintenance\n", headers: [.retryAfter: "7"])
        }
        guard case .failure(let message, let permanent, let retryAfter) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(message.hasPrefix("HTTP 503 from http://127.0.0.1:"))
        #expect(message.hasSuffix("/hook: down for maintenance"))
        #expect(!permanent)
        #expect(retryAfter == .seconds(7))
    }

    @Test func notFoundIsPermanentWithABoundedExcerpt() async throws {
        let (result, _, _) = try await Self.run("steps:\n  - http: URL") { _ in
            .init(status: .notFound, body: String(repeating: "x", count: 300))
        }
        let failure = try #require(result.failure)
        #expect(failure.permanent)
        #expect(failure.message.contains("HTTP 404 from http://127.0.0.1:"))
        #expect(failure.message.hasSuffix(": " + String(repeating: "x", count: 200)))
    }

    @Test func aRefusedConnectionIsRetryableWithTheError() async throws {
        let server = try await ScriptedServer.start { _ in .init() }
        let url = server.url()
        await server.stop()
        let result = await Self.handle(order(), with: try StepHarness("steps:\n  - http: \(url)"))
        let failure = try #require(result.failure)
        #expect(failure.message == "HTTP request to \(url) failed: connection refused")
        #expect(!failure.permanent)
    }

    @Test func binaryModeSendsAttributesAsHeadersAndDataAsTheBody() async throws {
        let (_, requests, _) = try await Self.run("steps:\n  - http: { url: URL, mode: binary }") { _ in .init() }
        let request = try #require(requests.first)
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["ce-id"] == "e1")
        #expect(request.headers["ce-source"] == "tests")
        #expect(request.headers["ce-type"] == "OrderCreated")
        #expect(request.headers["ce-specversion"] == "1.0")
        #expect(request.headers["ce-subject"] == "orders/e1")
        #expect(request.headers["ce-tenant"] == "t1")
        #expect(try Value(json: Array(request.body.utf8)) == ["n": 2, "customer": "c7"])
    }

    @Test func urlAndHeaderTemplatesRenderPerEventAndSecretsStayOutOfLogs() async throws {
        let steps = """
            steps:
              - http:
                  url: URL/${data.customer}
                  headers: { X-Order: "${id}", Authorization: "Bearer ${env.TOKEN}" }
            """
        let (_, requests, logs) = try await Self.run(steps, environment: ["TOKEN": "s3cret"]) { _ in .init() }
        let request = try #require(requests.first)
        #expect(request.path == "/hook/c7")
        #expect(request.headers["x-order"] == "e1")
        #expect(request.headers["authorization"] == "Bearer s3cret")
        let logged = logs.entries("http request")
        #expect(logged.count == 1)
        #expect(logged.first?.metadata["flow.headers"]?.contains("Authorization") == true)
        #expect(!logs.entries.contains { $0.metadata.values.contains { $0.contains("s3cret") } })
    }
}
