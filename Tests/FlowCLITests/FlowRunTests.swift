import FlowCore
import Foundation
import Synchronization
import Testing

/// `flow run` as users run it: the real binary on the shipped pipelines, summaries read from `--report`.
struct FlowRunTests {
    /// Runs `flow run FILE --until-idle` and returns the exit status and the parsed report.
    static func run(_ file: String, _ extra: [String] = []) throws -> (status: Int32, report: Value, stdout: String) {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent(
            "flow-report-\(UUID().uuidString).json"
        )
        defer { try? FileManager.default.removeItem(at: report) }
        let outcome = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["run", file, "--until-idle", "--log-level", "error", "--report", report.path] + extra,
            timeout: 60
        )
        let data = try Data(contentsOf: report)
        return (outcome.status, try Value(json: data), outcome.stdout)
    }

    static func count(_ value: Value?) -> Int {
        if case .int(let n)? = value { return n }
        return -1
    }

    static func consumer(_ report: Value, _ name: String) -> Value? {
        guard case .array(let consumers)? = report["consumers"] else { return nil }
        return consumers.first { $0["name"] == .string(name) }
    }

    static func topic(_ report: Value, _ name: String) -> Value? {
        guard case .array(let topics)? = report["topics"] else { return nil }
        return topics.first { $0["name"] == .string(name) }
    }

    @Test func helloProcessesEveryGreeting() throws {
        let (status, report, stdout) = try Self.run("pipelines/hello.yml")
        #expect(status == 0)
        #expect(stdout.hasPrefix("flow run hello: 5 published, 5 processed"))
        #expect(Self.consumer(report, "printer")?["processed"] == 5)
        #expect(report["failed"] == false)
    }

    @Test func retryAndDeadLetterSendsEveryTenthPaymentToTheDeadLetterTopic() throws {
        let (status, report, _) = try Self.run("pipelines/retry-and-dlq.yml")
        #expect(status == 0)
        let charge = try #require(Self.consumer(report, "charge"))
        #expect(charge["processed"] == 90)
        #expect(charge["dead_lettered"] == 10)
        #expect(charge["failed"] == 0)
        // The 33 multiples of 3 fail twice before they succeed, except 30, 60 and 90, which are declined
        // for good on their first attempt: 30 events × 2 retries.
        #expect(charge["retried"] == 60)
        #expect(Self.topic(report, "payments.dlq")?["published"] == 10)
    }

    @Test func fanOutGivesEveryGroupEveryOrder() throws {
        let (status, report, _) = try Self.run("pipelines/fan-out.yml")
        #expect(status == 0)
        #expect(Self.consumer(report, "billing")?["processed"] == 200)
        #expect(Self.consumer(report, "shipping")?["processed"] == 200)
        let analytics = try #require(Self.consumer(report, "analytics"))
        #expect(Self.count(analytics["processed"]) + Self.count(analytics["dropped"]) == 200)
        let invoices = Self.count(Self.topic(report, "invoices")?["published"])
        let reviews = Self.count(Self.topic(report, "reviews")?["published"])
        #expect(invoices + reviews == 200)
        #expect(reviews > 0)
        #expect(Self.count(Self.consumer(report, "invoicing")?["processed"]) == invoices)
        #expect(Self.count(Self.consumer(report, "review-desk")?["processed"]) == reviews)
    }

    @Test func orderedRetriesRetryEveryFifthEntryOnceAndLoseNothing() throws {
        let (status, report, _) = try Self.run("pipelines/ordered-retries.yml")
        #expect(status == 0)
        let books = try #require(Self.consumer(report, "books"))
        #expect(books["processed"] == 60)
        #expect(books["retried"] == 12)
        #expect(books["dead_lettered"] == 0)
    }

    @Test func theSameSeedRepeatsARunAndTheSummaryIsStable() throws {
        let first = try Self.run("pipelines/fan-out.yml", ["--seed", "42"])
        let second = try Self.run("pipelines/fan-out.yml", ["--seed", "42"])
        #expect(Self.topic(first.report, "reviews")?["published"] == Self.topic(second.report, "reviews")?["published"])
    }

    @Test func deadLettersAreWrittenOutAndAFileProducerReplaysThem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flow-dlq-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (status, _, stdout) = try Self.run("pipelines/retry-and-dlq.yml", ["--dead-letters", folder.path])
        #expect(status == 0)
        let file = folder.appendingPathComponent("payments.dlq.jsonl")
        #expect(stdout.contains("dead letters: 10 written to \(file.path)"), "\(stdout)")
        #expect(!stdout.contains("end with this run"), "kept in the files: \(stdout)")
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 10)
        let first = try Value(json: Array(lines[0].utf8))
        #expect(first["flowerror"] == "card declined")
        #expect(first["flowsourcetopic"] == "payments")
        #expect(first["type"] == "PaymentRequested")

        let replay = try Self.writePipeline(
            """
            version: 1
            name: replay
            topics:
              payments: {}
            producers:
              dead-letters:
                to: payments
                file: \(file.path)
            consumers:
              charge:
                from: payments
                steps:
                  - log: "replaying ${id} after ${ext.flowerror}"
            """
        )
        let (replayed, report, _) = try Self.run(replay.path)
        #expect(replayed == 0)
        #expect(Self.count(Self.consumer(report, "charge")?["processed"]) == 10)
    }

    @Test func deadLettersTheMemoryBrokerDropsAtTheEndAreNamed() throws {
        let (status, _, stdout) = try Self.run("pipelines/retry-and-dlq.yml")
        #expect(status == 0, "dead-lettered as promised: nothing lost")
        #expect(
            stdout.contains(
                #"warning: 10 dead letters in "payments.dlq" end with this run (the memory broker keeps nothing): "#
                    + "keep them with --dead-letters DIR or --broker sqlite:PATH"
            ),
            "\(stdout)"
        )
    }

    @Test func deadLettersReadByAConsumerAreNotInTheDumpAndTheLineSaysSo() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flow-dlq-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try Self.writePipeline(
            """
            version: 1
            topics:
              jobs: {}
              jobs.dlq: {}
            producers:
              source:
                to: jobs
                generate: { count: 3, event: { type: Job } }
            consumers:
              worker:
                from: jobs
                dead_letter: jobs.dlq
                steps:
                  - fail: { permanent: true, message: "no" }
              watcher:
                from: jobs.dlq
                steps:
                  - log: "dead: ${id}"
            """
        )
        let (status, _, stdout) = try Self.run(file.path, ["--dead-letters", folder.path])
        #expect(status == 0)
        #expect(
            stdout.contains(#"dead letters: 0 written to "#)
                && stdout.contains(#"; 3 were read and acked by the consumers of "jobs.dlq""#),
            "\(stdout)"
        )
    }

    @Test func aDeadLettersPathThatIsAFileIsAUsageErrorBeforeAnythingRuns() throws {
        let file = try Self.writePipeline("not a directory")
        let outcome = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["run", "pipelines/hello.yml", "--until-idle", "--dead-letters", file.path]
        )
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("--dead-letters: \"\(file.path)\" exists and is not a directory"))
        #expect(outcome.stdout.isEmpty)
    }

    @Test func anEventThatFailsWithoutADeadLetterTopicFailsTheRun() throws {
        let file = try Self.writePipeline(
            """
            version: 1
            topics:
              jobs: {}
            producers:
              source:
                to: jobs
                generate: { count: 3, event: { type: Job, data: { n: "${seq()}" } } }
            consumers:
              worker:
                from: jobs
                steps:
                  - fail: { when: data.n == 2, message: "boom" }
            """
        )
        let (status, report, stdout) = try Self.run(file.path)
        #expect(status == 1)
        #expect(report["failed"] == true)
        #expect(Self.consumer(report, "worker")?["failed"] == 1)
        #expect(stdout.contains("FAILED"))
    }

    @Test func anInvalidPipelineDoesNotStart() throws {
        let outcome = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["run", "Tests/FlowCLITests/Fixtures/rules/undeclared-topic.yml"]
        )
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("consumer \"billing\" reads undeclared topic \"order\" [undeclared-topic]"))
        #expect(outcome.stdout.isEmpty)
    }

    @Test func aPipelineWhoseExecCommandIsMissingDoesNotStart() throws {
        let outcome = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["run", "Tests/FlowCLITests/Fixtures/rules/command-not-found.yml", "--until-idle"]
        )
        #expect(outcome.status == 1)
        #expect(
            outcome.stderr.contains(
                #"error: consumer "billing": command "pyhton3" not found on PATH [command-not-found]"#
            ),
            "\(outcome.stderr)"
        )
        #expect(outcome.stdout.isEmpty, "no summary: nothing ran")
    }

    @Test func sigtermDrainsAndExitsZeroWithASummary() throws {
        let file = try Self.writePipeline(Self.endless)
        let outcome = try Self.signalled(file, signals: [SIGTERM])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("flow run endless:"))
        #expect(outcome.stderr.contains("shutting down"))
    }

    @Test func aSecondSignalExitsAtOnce() throws {
        let busy = Self.endless.replacingOccurrences(
            of: "- drop: false",
            with: "- log: { message: \"working\", level: warning }\n      - delay: 1h"
        )
        let file = try Self.writePipeline(busy)
        let outcome = try Self.signalled(file, signals: [SIGINT, SIGINT], after: "working", extra: ["--grace", "1h"])
        #expect(outcome.status == 130)
        #expect(outcome.stderr.contains("second signal"))
    }

    @Test func untilIdleWithAnHTTPProducerWarnsThatItWillNotEndTheRun() throws {
        let file = try Self.writePipeline(
            """
            version: 1
            topics:
              orders: {}
            producers:
              web:
                to: orders
                http: { listen: "127.0.0.1:0", path: /events }
            consumers:
              sink:
                from: orders
                steps:
                  - drop
            """
        )
        let outcome = try Self.signalled(
            file,
            signals: [SIGTERM],
            after: "will not end this run",
            extra: ["--until-idle", "--log-level", "warning"]
        )
        #expect(outcome.status == 0)
        #expect(outcome.stderr.contains("flow.producer=web"), "\(outcome.stderr)")
    }

    static let endless = """
        version: 1
        name: endless
        topics:
          ticks: {}
        producers:
          clock:
            to: ticks
            generate: { rate: 1000/s, event: { type: Tick } }
        consumers:
          sink:
            from: ticks
            steps:
              - drop: false
        """

    static func writePipeline(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("flow-run-\(UUID().uuidString).yml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Starts `flow run FILE`, waits (bounded) until its log shows `marker`, sends `signals` 200 ms apart,
    /// and waits (bounded) for it to exit.
    /// Runs `flow run FILE`, waits until stderr shows `marker`, calls `meanwhile` with stderr so far (while the
    /// run still runs), then sends `signals` and returns once the process has exited (bounded: 30 s each).
    static func signalled(
        _ file: URL,
        signals: [Int32],
        after marker: String = "pipeline started",
        extra: [String] = [],
        meanwhile: (String) throws -> Void = { _ in }
    ) throws -> ChildProcess.Outcome {
        let process = Process()
        process.executableURL = try FlowBinaryTests.flowBinary()
        process.arguments = ["run", file.path, "--no-progress"] + extra
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let started = DispatchSemaphore(value: 0)
        let stderr = Mutex(Data())
        err.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            let seen = stderr.withLock { buffer -> Bool in
                let before = String(decoding: buffer, as: UTF8.self).contains(marker)
                buffer.append(chunk)
                return !before && String(decoding: buffer, as: UTF8.self).contains(marker)
            }
            if seen { started.signal() }
            if chunk.isEmpty { handle.readabilityHandler = nil }
        }
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        guard started.wait(timeout: .now() + 30) == .success else {
            throw ChildProcess.TimedOut(command: "flow run (waiting for start)")
        }
        try meanwhile(stderr.withLock { String(decoding: $0, as: UTF8.self) })
        var hasExited = false
        for number in signals where !hasExited {
            kill(process.processIdentifier, number)
            hasExited = exited.wait(timeout: .now() + 0.2) == .success
        }
        if !hasExited, exited.wait(timeout: .now() + 30) == .timedOut {
            let seen = stderr.withLock { String(decoding: $0, as: UTF8.self) }
            throw ChildProcess.TimedOut(
                command: "flow run (waiting for exit; its stderr so far:\n\(seen.suffix(3000)))"
            )
        }
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        err.fileHandleForReading.readabilityHandler = nil
        let rest = err.fileHandleForReading.readDataToEndOfFile()
        let text = stderr.withLock { String(decoding: $0 + rest, as: UTF8.self) }
        return ChildProcess.Outcome(status: process.terminationStatus, stdout: stdout, stderr: text)
    }
}
