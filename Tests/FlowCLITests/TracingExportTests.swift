import Foundation
import Testing

/// `flow run --otlp` as a collector sees it: the real binary exports over OTLP/HTTP to a receiver that
/// decodes with the OpenTelemetry project's own protobuf definitions (PyPI opentelemetry-proto), and the
/// spans of an event that is retried and then dead-lettered form one trace.
struct TracingExportTests {
    static let receiver = ChildProcess.packageRoot.appendingPathComponent(
        "Tests/FlowCLITests/Fixtures/otlp/receiver.py"
    )

    static let pipeline = """
        version: 1
        name: traced
        topics:
          orders: {}
          orders.dlq: {}
          shipments: {}
        producers:
          shop:
            to: orders
            generate:
              count: 4
              event: { type: Order, data: { n: "${seq()}" } }
        consumers:
          check:
            from: orders
            retry: { max_attempts: 2, backoff: constant, initial: 5ms }
            dead_letter: orders.dlq
            steps:
              - fail: { when: data.n == 3, message: "declined" }
              - emit: { to: shipments }
          ship:
            from: shipments
            steps:
              - log: { message: "shipping ${data.n}" }
              - http: "${env.CARRIER_URL}/shipments"
        """

    struct Span: Decodable {
        var trace_id: String
        var span_id: String
        var parent_span_id: String
        var name: String
        var kind: Int
        var events: [Event]
        var links: [Link]
        var status: Int
        struct Event: Decodable { var name: String }
        struct Link: Decodable { var span_id: String }
    }

    /// The spans of `span`'s trace.
    func spans(inTraceOf span: Span, among spans: [Span]) -> [Span] {
        spans.filter { $0.trace_id == span.trace_id }
    }

    @Test func aRetriedAndDeadLetteredEventIsOneTraceFromSendToTheDeadLetterTopic() throws {
        let python = try #require(ChildProcess.onPath("python3"), "python3 is not on PATH; scripts/test.sh installs it")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-otlp-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let portFile = directory.appendingPathComponent("port").path
        let spansFile = directory.appendingPathComponent("spans.jsonl").path
        let receiver = Process()
        receiver.executableURL = python
        receiver.arguments = [Self.receiver.path, portFile, spansFile, "60"]
        receiver.standardOutput = FileHandle.nullDevice
        try receiver.run()
        defer {
            kill(receiver.processIdentifier, SIGKILL)
            receiver.waitUntilExit()
        }
        var port: String?
        for _ in 0..<200 where port == nil {  // bounded: 20 s for python to start
            port = try? String(contentsOfFile: portFile, encoding: .utf8)
            if port == nil { usleep(100_000) }
        }
        let listening = try #require(port, "the OTLP receiver did not start")
        let file = directory.appendingPathComponent("traced.yml").path
        try Self.pipeline.write(toFile: file, atomically: true, encoding: .utf8)
        let outcome = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["run", file, "--until-idle", "--otlp", "http://127.0.0.1:\(listening)", "--log-format", "json"],
            in: directory,
            // The flag wins over the standard variable (port 9 answers nothing).
            environment: ProcessInfo.processInfo.environment.merging(
                [
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:9/v1/traces",
                    "CARRIER_URL": "http://127.0.0.1:\(listening)",
                ]
            ) { _, new in new }
        )
        #expect(outcome.status == 0, "\(outcome)")

        // Every span ended before exit was flushed by then: the receiver has them all.
        let lines = ((try? String(contentsOfFile: spansFile, encoding: .utf8)) ?? "").split(separator: "\n")
        let spans = try lines.map { try JSONDecoder().decode(Span.self, from: Data($0.utf8)) }
        let byID = Dictionary(spans.map { ($0.span_id, $0) }) { first, _ in first }
        let dlqSend = try #require(
            spans.first { $0.name == "send orders.dlq" },
            "no dead-letter span in \(spans.map(\.name))"
        )
        let trace = spans.filter { $0.trace_id == dlqSend.trace_id }
        let names = trace.map(\.name).sorted()
        #expect(names.filter { $0 == "process orders" }.count == 2, "two attempts: \(names)")
        #expect(names.contains("send orders"))
        #expect(names.filter { $0 == "step 1 (fail)" }.count == 2)

        let producerSend = try #require(trace.first { $0.name == "send orders" })
        #expect(producerSend.kind == 4, "producer")
        #expect(producerSend.parent_span_id.isEmpty, "the generated event starts its trace")
        for attempt in trace where attempt.name == "process orders" {
            #expect(attempt.kind == 5, "consumer")
            #expect(attempt.parent_span_id == producerSend.span_id)
            #expect(attempt.links.map(\.span_id) == [producerSend.span_id])
            #expect(attempt.status == 2, "error")
        }
        let retried = trace.filter { $0.events.contains { $0.name == "retry" } }
        #expect(retried.count == 1 && retried.first?.name == "process orders")
        #expect(byID[dlqSend.parent_span_id]?.name == "process orders", "the envelope is sent by the last attempt")

        // An emitted event continues its source's trace into the next consumer.
        let shipped = try #require(spans.first { $0.name == "process shipments" })
        let emitSend = try #require(byID[shipped.parent_span_id])
        #expect(emitSend.name == "send shipments")
        #expect(byID[emitSend.parent_span_id]?.name == "process orders")
        #expect(shipped.trace_id == emitSend.trace_id)

        // The http step's request carries its own span as the parent, in the event's trace.
        let calls = ((try? String(contentsOfFile: spansFile + ".http", encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(calls.count == 3, "one call per shipped order: \(calls)")
        let httpStep = try #require(self.spans(inTraceOf: shipped, among: spans).first { $0.name == "step 2 (http)" })
        #expect(byID[httpStep.parent_span_id]?.name == "process shipments")
        #expect(
            calls.contains { $0.contains("00-\(shipped.trace_id)-\(httpStep.span_id)-01") },
            "traceparent of the request names the step's span: \(calls)"
        )

        // Log lines of an event's handling carry its trace.
        let logged = outcome.stderr.split(separator: "\n").first { $0.contains("\"msg\":\"shipping") }
        #expect(logged?.contains("\"trace_id\":\"\(shipped.trace_id)\"") == true, "\(logged ?? "no log line")")
    }
}
