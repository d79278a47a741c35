import FlowYAML
import Foundation
import Testing

/// `flow test` as users run it: the real binary on test files, shipped and written here.
struct PipelineTestCommandTests {
    /// A pipeline whose steps cannot run here (a host that does not resolve, a program that does not exist):
    /// only mocks can make it pass.
    static let pipeline = """
        version: 1
        name: mocked
        topics:
          orders: { key: data.customer }
          orders.dlq: {}
          receipts: {}
        consumers:
          charge:
            from: orders
            retry: { max_attempts: 5, backoff: exponential, initial: 1m, max: 10m }
            dead_letter: orders.dlq
            steps:
              - http: http://gateway.invalid/charge
              - exec: { command: [/nonexistent/receipt-printer] }
              - emit: receipts
        """

    static let tests = """
        version: 1
        pipeline: mocked.yml
        tests:
          - name: the gateway answers 503 twice, then charges
            mocks:
              charge.http:
                - { status: 503 }
                - { status: 503 }
                - { status: 200, body: { charged: true } }
              charge.exec:
                - { ok: { receipt: r-1 } }
            given:
              - { to: orders, event: { id: o-1, data: { customer: c-1 } } }
            expect:
              - consumer: charge
                processed: 1
                retried: 2
                attempts: { o-1: [0ms, 1m, 3m] }
              - topic: receipts
                events: [ { data: { receipt: r-1 } } ]
          - name: a declined card is dead-lettered after the whole schedule
            mocks:
              charge.1: [ { retry: gateway timeout } ]
            given:
              - { to: orders, at: 5s, event: { id: o-2, data: { customer: c-2 } } }
            expect:
              - consumer: charge
                dead_lettered: 2
                attempts: { o-2: [5s, 65s, 185s, 425s] }
              - topic: orders.dlq
                events: [ { id: o-2, ext: { flowattempts: 5 } } ]
              - log: { message: "event dead-lettered", at: 905s }
        """

    /// Writes the pipeline and `tests` into a fresh directory and runs `flow test` there with `arguments`.
    static func run(_ tests: String, _ arguments: [String] = []) throws -> ChildProcess.Outcome {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-test-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try pipeline.write(to: directory.appendingPathComponent("mocked.yml"), atomically: true, encoding: .utf8)
        try tests.write(to: directory.appendingPathComponent("mocked.test.yml"), atomically: true, encoding: .utf8)
        return try ChildProcess.run(try FlowBinaryTests.flowBinary(), ["test"] + arguments, in: directory)
    }

    static func lastLine(_ outcome: ChildProcess.Outcome) -> String {
        String(outcome.stdout.split(separator: "\n").last ?? "")
    }

    @Test func theShippedTestFilesPass() throws {
        let outcome = try ChildProcess.run(try FlowBinaryTests.flowBinary(), ["test", "pipelines", "examples"])
        #expect(outcome.status == 0, "\(outcome)")
        #expect(Self.lastLine(outcome).hasSuffix(" passed, 0 failed"), "\(outcome)")
        #expect(!outcome.stdout.contains("FAIL"))
    }

    @Test func theShippedTestFilesPassTheirExportedSchema() throws {
        let files = SchemaTests.shippedTestFiles
        #expect(files.count >= 7, "\(files)")
        let report = try JSONSchemaCheck.validate(files, schema: JSONSchemaExporter.testDocument())
        #expect(report.status == 0, "\(report.output)")
        #expect(report.failures.isEmpty, "\(report.failures)")
    }

    @Test func mockedStepsFailAndRecoverOnTheVirtualSchedule() throws {
        let outcome = try Self.run(Self.tests)
        // The second test's expectation is wrong on purpose: o-1 and o-2 are dead-lettered once each.
        #expect(outcome.status == 1, "\(outcome)")
        #expect(outcome.stdout.contains("PASS  mocked.test.yml:4:5  the gateway answers 503 twice, then charges"))
        #expect(outcome.stdout.contains("FAIL  mocked.test.yml:21:5  a declined card is dead-lettered"))
        #expect(
            outcome.stdout.contains(
                "mocked.test.yml:27:9: consumer \"charge\": dead_lettered: expected 2, got 1"
            ),
            "\(outcome)"
        )
        #expect(
            outcome.stdout.contains(
                "mocked.test.yml:27:9: consumer \"charge\": the attempts at \"o-2\" started at "
                    + "[5s, 1m5s, 3m5s, 7m5s, 15m5s], expected [5s, 1m5s, 3m5s, 7m5s]"
            ),
            "the whole actual timeline is shown: \(outcome)"
        )
        #expect(outcome.stdout.contains("event retry scheduled"), "the consumer's log lines are shown")
        #expect(Self.lastLine(outcome) == "1 passed, 1 failed")
    }

    @Test func filterRunsOnlyTheTestsNamed() throws {
        let outcome = try Self.run(Self.tests, ["--filter", "503 twice"])
        #expect(outcome.status == 0, "\(outcome)")
        #expect(Self.lastLine(outcome) == "1 passed, 0 failed")
    }

    @Test func junitIsXMLACIServerReads() throws {
        let outcome = try Self.run(Self.tests, ["--format", "junit"])
        #expect(outcome.status == 1)
        let python = try #require(ChildProcess.onPath("python3"), "python3 is not on PATH")
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("flow-junit-\(UUID()).xml")
        try outcome.stdout.write(to: report, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: report) }
        let script = """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            suite = root.find("testsuite")
            cases = suite.findall("testcase")
            print(root.get("tests"), root.get("failures"), len(cases), sum(1 for c in cases if c.find("failure") is not None))
            print(cases[1].find("failure").get("message"))
            """
        let parsed = try ChildProcess.run(python, ["-c", script, report.path])
        let lines = parsed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "2 1 2 1", "\(parsed)")
        #expect(lines.dropFirst().first?.hasPrefix("mocked.test.yml:27:9: consumer \"charge\"") == true, "\(parsed)")
    }

    @Test func aMisspeltExpectationIsAnErrorNotAPass() throws {
        let misspelt = Self.tests.replacingOccurrences(of: "        processed: 1", with: "        procesed: 1")
        let outcome = try Self.run(misspelt)
        #expect(outcome.status == 1)
        #expect(outcome.stdout.contains("mocked.test.yml:16:9: error: unknown key \"procesed\""), "\(outcome)")
        #expect(outcome.stdout.contains("did you mean \"processed\"?"))
        #expect(Self.lastLine(outcome) == "0 passed, 1 failed")
    }

    @Test func theFormatExampleOfTheDocsPasses() throws {
        let docs = try String(
            contentsOf: ChildProcess.packageRoot.appendingPathComponent("docs/testing.md"),
            encoding: .utf8
        )
        let example =
            try #require(docs.components(separatedBy: "```yaml\n").dropFirst().first)
            .components(separatedBy: "```").first ?? ""
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-test-docs-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(
            at: ChildProcess.packageRoot.appendingPathComponent("pipelines/retry-and-dlq.yml"),
            to: directory.appendingPathComponent("retry-and-dlq.yml")
        )
        try example.write(to: directory.appendingPathComponent("example.test.yml"), atomically: true, encoding: .utf8)
        let outcome = try ChildProcess.run(try FlowBinaryTests.flowBinary(), ["test"], in: directory)
        #expect(outcome.status == 0, "\(outcome)")
        #expect(Self.lastLine(outcome) == "1 passed, 0 failed")
    }

    @Test(arguments: [["--format", "xml"], ["--bogus"]])
    func usageMistakesExitSixtyFour(arguments: [String]) throws {
        let outcome = try Self.run(Self.tests, arguments)
        #expect(outcome.status == 64, "\(outcome)")
    }
}

/// `flow run --faults` injects the declared faults and counts them; without the flag the same file runs clean.
struct DeclaredFaultsTests {
    static let drill = ChildProcess.packageRoot.appendingPathComponent("pipelines/chaos-drill.yml").path

    @Test func faultsAreInjectedOnlyWithTheFlagAndCountedInTheSummary() throws {
        let flow = try FlowBinaryTests.flowBinary()
        let drilled = try ChildProcess.run(flow, ["run", Self.drill, "--until-idle", "--no-progress", "--faults"])
        #expect(drilled.status == 0, "nothing is lost: every failure was retried or dead-lettered: \(drilled)")
        let output = drilled.stdout + drilled.stderr
        let counted = output.split(separator: "\n").first { $0.hasPrefix("faults injected into gateway: ") }
        #expect(counted?.contains("error ") == true, "\(output)")
        let clean = try ChildProcess.run(flow, ["run", Self.drill, "--until-idle", "--no-progress"])
        #expect(clean.status == 0)
        #expect(!(clean.stdout + clean.stderr).contains("faults injected"))
        #expect((clean.stdout + clean.stderr).contains("50 published, 50 processed"), "\(clean)")
    }
}
