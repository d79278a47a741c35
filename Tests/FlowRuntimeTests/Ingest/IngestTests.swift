import AsyncHTTPClient
import FlowCore
import Foundation
import NIOCore
import Testing

@testable import FlowRuntime

/// The `http` producer through real HTTP on 127.0.0.1 (a free port each time).
struct IngestTests {
    /// A running `http` producer writing to `orders` (capacity `capacity`, one group that never reads, so a
    /// full topic stays full), with a client.
    final class Rig: Sendable {
        let broker: MemoryBroker
        let runner: ProducerRunner
        let port: Int
        /// The shared client needs no shutdown: a test that throws before `close()` fails as itself, instead of
        /// crashing the whole test process in a client's deinit.
        let client = HTTPClient.shared
        let logs = LogCapture()

        /// A dead-letter topic with `deadLetterCapacity` gets a group that never reads, so it can fill up.
        init(capacity: Int = 1024, deadLetter: String? = nil, deadLetterCapacity: Int? = nil) async throws {
            let scheduler = DispatchScheduler()
            broker = MemoryBroker(scheduler: scheduler)
            try await broker.declare(TopicSpec(name: "orders", partitions: 1, capacity: capacity))
            try await broker.declareGroup("stalled", on: "orders")
            if let deadLetter {
                try await broker.declare(TopicSpec(name: deadLetter, capacity: deadLetterCapacity ?? 1024))
                if deadLetterCapacity != nil { try await broker.declareGroup("stalled", on: deadLetter) }
            }
            var producer = Pipeline.Producer(
                name: "web",
                to: "orders",
                source: .http(listen: "127.0.0.1:0", path: "/events"),
                location: location
            )
            producer.deadLetter = deadLetter
            runner = ProducerRunner(
                producer: producer,
                topicKeys: TopicKeys([]),
                broker: broker,
                scheduler: scheduler,
                logger: logs.logger(),
                seed: 1
            )
            runner.start { _ in }
            port = try #require(await runner.listeningPort())
        }

        /// POSTs `body` with `headers`; returns the status, the body and the Retry-After header.
        func post(
            _ body: String,
            path: String = "/events",
            headers: [(String, String)] = [("content-type", "application/cloudevents+json")]
        ) async throws -> (status: Int, body: String, retryAfter: String?) {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            request.method = .POST
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(string: body))
            let response = try await client.execute(request, timeout: .seconds(30))
            let text = String(buffer: try await response.body.collect(upTo: 1 << 20))
            return (Int(response.status.code), text, response.headers.first(name: "retry-after"))
        }

        func events() async throws -> [CloudEvent] {
            try await broker.records(of: "orders").map(\.event)
        }

        func close() async throws {
            runner.stop()
        }
    }

    static let structured =
        #"{"specversion": "1.0", "id": "o1", "source": "shop", "type": "OrderCreated", "data": {"n": 1}}"#

    @Test func aStructuredEventIsStoredAndAccepted() async throws {
        let rig = try await Rig()
        let reply = try await rig.post(Self.structured)
        #expect(reply.status == 202)
        let events = try await rig.events()
        #expect(events.map(\.id) == ["o1"])
        #expect(events.first?.data == ["n": 1])
        #expect(rig.runner.stats.published == 1)
        try await rig.close()
    }

    @Test func aBinaryEventIsStoredAndAccepted() async throws {
        let rig = try await Rig()
        let headers = [
            ("content-type", "application/json"), ("ce-specversion", "1.0"), ("ce-id", "b1"), ("ce-source", "shop"),
            ("ce-type", "OrderPaid"), ("ce-subject", "orders/b1"), ("ce-region", "eu"),
            ("ce-dataschema", "urn:schemas:order-paid"),  // valid, accepted, not carried (as in structured mode)
        ]
        let reply = try await rig.post(#"{"amount": 12}"#, headers: headers)
        #expect(reply.status == 202)
        let event = try #require(try await rig.events().first)
        #expect(event.id == "b1")
        #expect(event.type == "OrderPaid")
        #expect(event.subject == "orders/b1")
        #expect(event.extensions == ["region": "eu"])
        #expect(event.data == ["amount": 12])
        try await rig.close()
    }

    @Test(arguments: [
        (#"{"specversion": "1.0", "source": "shop", "type": "T"}"#, "cloudevent is missing required attribute \"id\""),
        (#"{"specversion": "1.0", "id": "x"#, "invalid JSON in a structured CloudEvent"),
        (#"{"id": "x", "source": "s", "type": "T"}"#, "cloudevent is missing required attribute \"specversion\""),
    ])
    func aMalformedEventIsRefusedWithAClearMessage(body: String, message: String) async throws {
        let rig = try await Rig()
        let reply = try await rig.post(body)
        #expect(reply.status == 400)
        let error = try Value(json: Array(reply.body.utf8))["error"]?.stringValue
        #expect(error?.hasPrefix(message) == true, "\(reply.body)")
        #expect(try await rig.events().isEmpty)
        try await rig.close()
    }

    @Test func aMalformedEventFailsNothingWithoutADeadLetterTopic() async throws {
        let rig = try await Rig()
        #expect(try await rig.post("not json").status == 400)
        #expect(rig.runner.stats == ProducerStats())
        try await rig.close()
    }

    @Test func withADeadLetterTopicAMalformedEventIsKeptThereAsAnEnvelope() async throws {
        let rig = try await Rig(deadLetter: "orders.dlq")
        let body = #"{"specversion": "1.0", "source": "shop", "type": "T"}"#
        #expect(try await rig.post(body).status == 400)
        // The envelope is stored after the answer (its count follows the store): wait for it, bounded.
        for _ in 0..<1000 where rig.runner.stats.deadLettered == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        let envelope = try #require(try await rig.broker.records(of: "orders.dlq").first?.event)
        #expect(envelope.type == "flow.malformed")
        #expect(envelope.source == "flow/web")
        #expect(envelope.data == .string(body))
        #expect(envelope.extensions["flowpath"] == "/events")
        #expect(envelope.extensions["flowerror"] == "cloudevent is missing required attribute \"id\"")
        #expect(rig.runner.stats.deadLettered == 1)
        #expect(rig.runner.stats.malformed == 0)
        try await rig.close()
    }

    @Test func malformedRequestsNeverWaitForAFullDeadLetterTopic() async throws {
        let rig = try await Rig(deadLetter: "orders.dlq", deadLetterCapacity: 1)
        #expect(try await rig.post("not json").status == 400)
        #expect(try await rig.post("nor this").status == 400)
        // Both answers are out; the second envelope did not fit and is not parked (memory stays bounded).
        let dropped = "dead-letter topic is full; a malformed request was not kept"
        for _ in 0..<1000 where rig.logs.entries(dropped).isEmpty {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(rig.logs.entries(dropped).first?.metadata["flow.dead_letter_topic"] == "orders.dlq")
        let stats = try await rig.broker.stats(of: "orders.dlq")
        #expect(stats.published == 1)
        #expect(stats.waitingPublishes == 0)
        #expect(rig.runner.stats.deadLettered == 1)
        try await rig.close()
    }

    @Test func aFullTopicAnswers503WithRetryAfter() async throws {
        let rig = try await Rig(capacity: 1)
        #expect(try await rig.post(Self.structured).status == 202)
        let reply = try await rig.post(Self.structured.replacingOccurrences(of: "o1", with: "o2"))
        #expect(reply.status == 503)
        #expect(reply.retryAfter == "1")
        #expect(reply.body.contains("topic \\\"orders\\\" is full"))
        // 503 means not stored, now or later: a client that sends it again creates no duplicate.
        let stats = try await rig.broker.stats(of: "orders")
        #expect(stats.published == 1)
        #expect(stats.waitingPublishes == 0)
        #expect(rig.runner.stats.published == 1)
        try await rig.close()
    }

    @Test func aBodyOverOneMebibyteIs413AndNothingIsStored() async throws {
        let rig = try await Rig()
        let reply = try await rig.post(String(repeating: "x", count: (1 << 20) + 1))
        #expect(reply.status == 413)
        #expect(reply.body.contains("the body exceeds 1 MiB"))
        #expect(try await rig.events().isEmpty)
        try await rig.close()
    }

    @Test func healthzAnswersOkAndOtherPathsAreNotFound() async throws {
        let rig = try await Rig()
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(rig.port)/healthz")
        request.method = .GET
        let response = try await rig.client.execute(request, timeout: .seconds(10))
        #expect(response.status.code == 200)
        #expect(String(buffer: try await response.body.collect(upTo: 100)) == "ok")
        #expect(try await rig.post(Self.structured, path: "/other").status == 404)
        try await rig.close()
    }

    @Test func stoppingTheProducerClosesTheServer() async throws {
        let rig = try await Rig()
        let stopped = await withCheckedContinuation { continuation in
            let runner = ProducerRunner(
                producer: Pipeline.Producer(
                    name: "web2",
                    to: "orders",
                    source: .http(listen: "127.0.0.1:0", path: "/events"),
                    location: location
                ),
                topicKeys: TopicKeys([]),
                broker: rig.broker,
                scheduler: DispatchScheduler(),
                logger: LogCapture().logger(),
                seed: 1
            )
            runner.start { continuation.resume(returning: $0) }
            Task {
                _ = await runner.listeningPort()
                runner.stop()
            }
        }
        #expect(stopped == .stopped)
        try await rig.close()
    }
}

struct IngestDecoderTests {
    @Test func binaryModeWithTextDataKeepsItsContentType() throws {
        let headers = [
            "content-type": "text/plain", "ce-specversion": "1.0", "ce-id": "t1", "ce-source": "s", "ce-type": "T",
        ]
        let event = try IngestDecoder.decode(headers: headers, body: Array("hello".utf8))
        #expect(event.data == "hello")
        #expect(event.datacontenttype == "text/plain")
    }

    @Test func binaryModeNeedsItsRequiredHeaders() {
        #expect(throws: MalformedLineError("cloudevent is missing required header \"ce-type\"")) {
            try IngestDecoder.decode(headers: ["ce-specversion": "1.0", "ce-id": "x", "ce-source": "s"], body: [])
        }
    }

    @Test func aBadExtensionHeaderNameIsRefused() {
        let headers = ["ce-specversion": "1.0", "ce-id": "x", "ce-source": "s", "ce-type": "T", "ce-my_ext": "1"]
        #expect(throws: MalformedLineError.self) { try IngestDecoder.decode(headers: headers, body: []) }
    }
}
