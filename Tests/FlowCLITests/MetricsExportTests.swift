import Foundation
import Testing

/// `flow run --metrics` and `--metrics-file` as Prometheus sees them: the real binary serves the endpoint
/// while it runs, and prometheus_client's own parser (PyPI) reads the scrape and the final file, whose
/// counters must equal the run's report.
struct MetricsExportTests {
    static let parser = ChildProcess.packageRoot.appendingPathComponent(
        "Tests/FlowCLITests/Fixtures/metrics/parse_metrics.py"
    )

    static let pipeline = """
        version: 1
        name: metered
        topics:
          orders: { partitions: 2, key: data.customer }
          orders.dlq: {}
        producers:
          shop:
            to: orders
            generate:
              count: 300
              rate: 150/s
              event: { type: Order, data: { n: "${seq()}", customer: "c-${seq() % 5}" } }
        consumers:
          check:
            from: orders
            retry: { max_attempts: 3, backoff: constant, initial: 5ms }
            dead_letter: orders.dlq
            steps:
              - drop: { when: data.n % 8 == 7 }
              - fail: { when: data.n % 10 == 0, permanent: true, message: "declined" }
              - fail: { when: data.n % 3 == 0 && attempt < 2, message: "busy" }
        """

    struct Family: Decodable {
        struct Sample: Decodable {
            var name: String
            var labels: [String: String]
            var value: Double
        }
        var name: String
        var type: String
        var samples: [Sample]
    }

    struct Parsed: Decodable {
        var content_type: String?
        var families: [Family]

        /// The value of the sample `name` whose labels include `labels`, summed over the rest.
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double {
            families.flatMap(\.samples).filter { sample in
                sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
            }.reduce(0) { $0 + $1.value }
        }

        func type(of family: String) -> String? { families.first { $0.name == family }?.type }
    }

    /// What prometheus_client makes of `source` (a URL or a file); fails the test when it cannot parse it.
    static func parse(_ source: String) throws -> Parsed {
        let python = try #require(ChildProcess.onPath("python3"), "python3 is not on PATH; scripts/test.sh installs it")
        let outcome = try ChildProcess.run(python, [parser.path, source])
        try #require(outcome.status == 0, "prometheus_client could not read \(source): \(outcome)")
        return try JSONDecoder().decode(Parsed.self, from: Data(outcome.stdout.utf8))
    }

    @Test func aScrapeDuringTheRunAndTheFileAfterItAreWhatPrometheusReads() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-metrics-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("metered.yml").path
        try Self.pipeline.write(toFile: file, atomically: true, encoding: .utf8)
        let log = directory.appendingPathComponent("flow.log")
        try Data().write(to: log)
        let output = try FileHandle(forWritingTo: log)
        let flow = Process()
        flow.executableURL = try FlowBinaryTests.flowBinary()
        flow.arguments = [
            "run", file, "--until-idle", "--metrics", "127.0.0.1:0", "--metrics-file", "out/metered.prom",
            "--report", "out/report.json",
        ]
        flow.currentDirectoryURL = directory
        flow.standardInput = FileHandle.nullDevice
        flow.standardOutput = output
        flow.standardError = output
        try flow.run()
        try? output.close()
        defer { if flow.isRunning { kill(flow.processIdentifier, SIGKILL) } }

        let port = try #require(CrashTests.listeningPort(in: log.path), "flow never logged its metrics port")
        let live = try Self.parse("http://127.0.0.1:\(port)/metrics")
        #expect(live.content_type == "text/plain; version=0.0.4; charset=utf-8")
        #expect(live.type(of: "messaging_client_consumed_messages") == "counter")
        #expect(live.type(of: "messaging_process_duration_seconds") == "histogram")
        #expect(live.type(of: "flow_consumer_lag") == "gauge")
        #expect(live.type(of: "flow_inflight_messages") == "gauge")
        #expect(live.value("messaging_client_sent_messages_total", ["flow_producer": "shop"]) < 300, "mid-run")

        for _ in 0..<300 where flow.isRunning { usleep(100_000) }  // bounded: 30 s for a 2 s run
        try #require(!flow.isRunning, "flow did not end")
        let logText = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(flow.terminationStatus == 0, "\(logText.suffix(2000))")

        let final = try Self.parse(directory.appendingPathComponent("out/metered.prom").path)
        let reportData = try Data(contentsOf: directory.appendingPathComponent("out/report.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: reportData) as? [String: Any])
        let consumer = try #require((report["consumers"] as? [[String: Any]])?.first)
        let producer = try #require((report["producers"] as? [[String: Any]])?.first)
        let consumed = "messaging_client_consumed_messages_total"
        for (outcome, key) in [("processed", "processed"), ("dropped", "dropped"), ("dead_lettered", "dead_lettered")] {
            let count = try #require(consumer[key] as? Int)
            #expect(count > 0)
            #expect(final.value(consumed, ["flow_consumer": "check", "flow_outcome": outcome]) == Double(count))
        }
        #expect(
            final.value("flow_retries_total", ["flow_consumer": "check"])
                == Double(try #require(consumer["retried"] as? Int))
        )
        #expect(
            final.value("messaging_client_sent_messages_total", ["flow_producer": "shop"])
                == Double(try #require(producer["published"] as? Int))
        )
        #expect(
            final.value("flow_dead_lettered_messages_total", ["messaging_destination_name": "orders.dlq"])
                == Double(try #require(consumer["dead_lettered"] as? Int))
        )
        let attempts = final.value("messaging_process_duration_seconds_count", ["flow_consumer": "check"])
        #expect(attempts == Double((consumer["received"] as? Int ?? 0) + (consumer["retried"] as? Int ?? 0)))
        #expect(final.value("flow_consumer_lag", ["messaging_consumer_group_name": "check"]) == 0)
    }

    @Test func anAddressThatIsNotHostAndPortIsAUsageError() throws {
        let outcome = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["run", "pipelines/hello.yml", "--metrics", "9464"]
        )
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("--metrics: \"9464\" is not HOST:PORT"))
    }

    @Test func aPortTakenAlreadyStopsTheRunBeforeItStarts() throws {
        let blocker = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(blocker) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socket in
                bind(blocker, socket, length) == 0 && listen(blocker, 1) == 0
                    && getsockname(blocker, socket, &length) == 0
            }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let outcome = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["run", "pipelines/hello.yml", "--until-idle", "--metrics", "127.0.0.1:\(port)"]
        )
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("cannot serve metrics on 127.0.0.1:\(port)"))
        #expect(!outcome.stdout.contains("published"), "the pipeline never started")
    }
}
