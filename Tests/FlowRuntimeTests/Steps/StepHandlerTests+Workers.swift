import Dispatch
import FlowCore
import Foundation
import Testing

@testable import FlowRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Worker-mode tests start real `python3` workers; results are awaited for at most 10 s (a test fails rather
/// than hangs), and virtual time moves only when a test advances it.
extension StepHandlerTests {
    /// A consumer whose first step is a worker running `body` for each request, with `req` (the request),
    /// `e` (its event), `i` (its id) and `reply(message)` defined; `options` are added to the exec step.
    static func worker(_ body: String, options: String = "", after: String = "", consumer: String = "") -> String {
        let loop = """
            def reply(m):
                sys.stdout.write(json.dumps(m) + '\\n')
                sys.stdout.flush()
            for line in sys.stdin:
                req = json.loads(line)
                e, i = req['event'], req['id']

            """
        let indented = body.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        return python(
            loop + indented,
            options: "worker: true" + (options.isEmpty ? "" : ", " + options),
            after: after,
            consumer: consumer
        )
    }

    /// Replies ok with the worker's pid in `data.pid` (and the event's `n`).
    static let pidReply = "reply({'id': i, 'status': 'ok', 'data': {'pid': os.getpid(), 'n': e['data'].get('n')}})"

    /// Waits for every outcome; fails the test when one does not arrive within 10 s.
    static func results(_ outcomes: [StepOutcome]) throws -> [HandlerResult] {
        try outcomes.map { try #require($0.wait(), "no result within 10 s") }
    }

    /// The pid a worker put in the data of the first emitted event.
    static func pid(_ result: HandlerResult) throws -> Int {
        let data = try #require(result.emitted?.first?.event.data)
        guard case .int(let pid)? = data["pid"] else { throw WorkerTestError.noPid("\(data)") }
        return pid
    }

    /// True once no process has `pid` (it was reaped), polling for at most 10 s.
    static func isGone(_ pid: Int32) -> Bool {
        let limit = Date().addingTimeInterval(10)
        while kill(pid, 0) == 0, Date() < limit { usleep(10000) }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    enum WorkerTestError: Error {
        case noPid(String)
    }

    @Test func okRetryAndFailRepliesAreSuccessRetryableAndPermanentFailures() throws {
        let body = """
            st = e['data']['status']
            reply({'id': i, 'status': st, 'error': None if st == 'ok' else 'card ' + st})
            """
        let h = try StepHarness(Self.worker(body))
        let outcomes = ["ok", "retry", "fail"].map { h.start(order($0, data: ["status": .string($0)])) }
        let results = try Self.results(outcomes)
        #expect(results[0].emitted?.isEmpty == true)
        #expect(results[1].failure?.message == "card retry")
        #expect(results[1].failure?.permanent == false)
        #expect(results[2].failure?.message == "card fail")
        #expect(results[2].failure?.permanent == true)
        #expect(outcomes.map(\.calls) == [1, 1, 1])
        #expect(h.handler.workerPools.values.first?.pids.count == 1)
    }

    @Test func okDataReplacesTheEventsDataAndItsEventsAreEmittedFirst() throws {
        let body = """
            reply({'id': i, 'status': 'ok', 'data': {'n': e['data']['n'] * 10, 'was': e['id']},
                   'events': [{'to': 'payments', 'type': 'Paid', 'data': {'customer': 'c9'}}, {'to': 'audit'}]})
            """
        let h = try StepHarness(Self.worker(body, after: "  - emit: { to: audit, type: Done }"))
        let result = try #require(Self.results([h.start(order())]).first)
        let emitted = try #require(result.emitted)
        #expect(emitted.map(\.topic) == ["payments", "audit", "audit"])
        #expect(emitted.map(\.key) == ["c9", nil, nil])
        #expect(emitted.map(\.event.type) == ["Paid", "OrderCreated", "Done"])
        #expect(emitted[1].event.data == ["n": 20, "was": "e1"])
        #expect(emitted[2].event.data == ["n": 20, "was": "e1"])
    }

    @Test func requestsArePipelinedToTheLeastLoadedOfTwoWorkersAndMatchedById() throws {
        // Each worker answers only once it holds two requests, newest first: the requests must be in flight
        // together on it, and replies must be matched by id, not by order.
        let script = """
            held = []
            for line in sys.stdin:
                held.append(json.loads(line))
                if len(held) == 2:
                    for r in reversed(held):
                        m = {'id': r['id'], 'status': 'ok', 'data': {'pid': os.getpid(), 'n': r['event']['data']['n']}}
                        sys.stdout.write(json.dumps(m) + '\\n')
                    sys.stdout.flush()
                    held = []
            """
        let h = try StepHarness(
            Self.python(script, options: "worker: true", after: "  - emit: audit", consumer: "concurrency: 2")
        )
        let outcomes = (1...4).map { h.start(order("e\($0)", data: ["n": .int($0)]), offset: Int64($0)) }
        let results = try Self.results(outcomes)
        let data = results.map { $0.emitted?.first?.event.data }
        #expect(data.map { $0?["n"] } == [1, 2, 3, 4])
        let pids = try results.map(Self.pid)
        #expect(Set(pids).count == 2)
        #expect(pids[0] == pids[2] && pids[1] == pids[3])
        #expect(h.handler.workerPools.values.first?.pids.count == 2)
    }

    @Test func aWorkerThatCrashesIsRestartedAndItsEventFailsRetryably() throws {
        let body = """
            if e['data'].get('crash'):
                os._exit(3)
            \(Self.pidReply)
            """
        let h = try StepHarness(Self.worker(body, after: "  - emit: audit"))
        let first = try Self.pid(try #require(Self.results([h.start(order("a"))]).first))
        let crashed = try #require(Self.results([h.start(order("b", data: ["crash": true]))]).first)
        #expect(crashed.failure?.message == "worker exited with status 3")
        #expect(crashed.failure?.permanent == false)
        let later = h.start(order("c"))
        h.scheduler.settle()
        let second = try Self.pid(try #require(Self.results([later]).first))
        #expect(second != first)
        let exits = h.logs.entries("exec worker exited; restarting it")
        #expect(exits.map(\.level) == [.error])
        #expect(exits.first?.metadata["flow.status"] == "worker exited with status 3")
        #expect(exits.first?.metadata["flow.consumer"] == "c")
        #expect(exits.first?.metadata["flow.worker_pid"] == "\(first)")
    }

    @Test func restartsBackOffWhileWorkersKeepFailing() {
        let delays = (1...9).map(ExecWorkerPool.restartDelay(afterFailures:))
        #expect(
            delays == [
                .zero, .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800),
                .milliseconds(1600), .milliseconds(3200), .seconds(5), .seconds(5),
            ]
        )
    }

    @Test func aWorkerHoldingARequestPastTheTimeoutIsKilledAndReplaced() throws {
        let body = """
            if e['data'].get('hang'):
                time.sleep(30)
            \(Self.pidReply)
            """
        let h = try StepHarness(Self.worker(body, after: "  - emit: audit", consumer: "timeout: 200ms"))
        let first = try Self.pid(try #require(Self.results([h.start(order("a"))]).first))
        let hung = h.start(order("b", data: ["hang": true]))
        h.scheduler.settle()
        #expect(hung.result == nil)
        h.scheduler.advance(by: .milliseconds(200))
        let failure = try #require(hung.wait()?.failure)
        #expect(failure.message == "exec worker timed out after 200ms; the worker was killed")
        #expect(!failure.permanent)
        #expect(Self.isGone(Int32(first)))
        let second = try Self.pid(try #require(Self.results([h.start(order("c"))]).first))
        #expect(second != first)
    }

    @Test(arguments: [
        ("print('hello there', flush=True)", "worker wrote invalid JSON: hello there"),
        (
            "reply({'id': 'zzz', 'status': 'ok'})",
            #"worker replied to unknown id "zzz": {"id": "zzz", "status": "ok"}"#
        ),
        ("reply({'id': i})", #"worker reply has no "status" of ok, retry or fail: {"id": "2"}"#),
    ])
    func garbageOnStdoutFailsTheRequestClearlyAndReplacesTheWorker(bad: String, message: String) throws {
        let body = """
            if e['data'].get('bad'):
                \(bad)
                continue
            \(Self.pidReply)
            """
        let h = try StepHarness(Self.worker(body, after: "  - emit: audit"))
        let first = try Self.pid(try #require(Self.results([h.start(order("a"))]).first))
        let broken = try #require(Self.results([h.start(order("b", data: ["bad": true]))]).first)
        #expect(broken.failure?.message == message)
        #expect(broken.failure?.permanent == false)
        #expect(h.logs.entries("exec worker broken; killing it").first?.metadata["flow.error"] == message)
        h.scheduler.settle()
        let second = try Self.pid(try #require(Self.results([h.start(order("c"))]).first))
        #expect(second != first)
        #expect(Self.isGone(Int32(first)))
    }

    @Test func stderrLinesGoToTheLogAtWarningWithTheConsumer() throws {
        let body = """
            sys.stderr.write('charging ' + e['id'] + '\\n')
            sys.stderr.flush()
            \(Self.pidReply)
            """
        let h = try StepHarness(Self.worker(body, after: "  - emit: audit"))
        let pid = try Self.pid(try #require(Self.results([h.start(order("a"))]).first))
        let limit = Date().addingTimeInterval(10)
        while h.logs.entries("exec stderr").isEmpty, Date() < limit { usleep(10000) }
        let entry = try #require(h.logs.entries("exec stderr").first)
        #expect(entry.level == .warning)
        #expect(entry.metadata["flow.stderr"] == "charging a")
        #expect(entry.metadata["flow.consumer"] == "c")
        #expect(entry.metadata["flow.command"] == "python3")
        #expect(entry.metadata["flow.worker_pid"] == "\(pid)")
    }

    @Test func closeGivesWorkersEndOfFileAndReturnsOnceTheyHaveExited() throws {
        let h = try StepHarness(Self.worker(Self.pidReply, after: "  - emit: audit", consumer: "concurrency: 2"))
        let outcomes = [h.start(order("a"), offset: 1), h.start(order("b"), offset: 2)]
        _ = try Self.results(outcomes)
        let pids = try #require(h.handler.workerPools.values.first?.pids)
        #expect(pids.count == 2)
        let closed = DispatchSemaphore(value: 0)
        h.handler.close { closed.signal() }
        #expect(closed.wait(timeout: .now() + 10) == .success)
        #expect(pids.allSatisfy(Self.isGone))
        let late = try #require(Self.results([h.start(order("c"))]).first)
        #expect(late.failure?.message == "the exec step's workers are shut down")
    }

    @Test func aWorkerIgnoringEndOfFileIsKilledTwoSecondsAfterClose() throws {
        let script =
            "sys.stdin.readline()\nsys.stdout.write('{\"id\": \"1\", \"status\": \"ok\"}\\n')\n"
            + "sys.stdout.flush()\nsys.stdin.read()\ntime.sleep(30)"
        let h = try StepHarness(Self.python(script, options: "worker: true"))
        _ = try Self.results([h.start(order())])
        let pid = try #require(h.handler.workerPools.values.first?.pids.first)
        let closed = DispatchSemaphore(value: 0)
        h.handler.close { closed.signal() }
        h.scheduler.settle()
        #expect(closed.wait(timeout: .now() + 0.2) == .timedOut)
        h.scheduler.advance(by: .seconds(2))
        #expect(closed.wait(timeout: .now() + 10) == .success)
        #expect(Self.isGone(pid))
    }
}

extension StepHandlerTests {
    /// The first ```python block of docs/workers.md, written to a temporary file.
    static func documentedWorker() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/workers.md"), encoding: .utf8)
        let start = try #require(text.range(of: "```python\n"))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let code = String(text[start.upperBound..<end.lowerBound])
        #expect(code.split(separator: "\n").count <= 10)
        let path = NSTemporaryDirectory() + "flow-worker-\(UUID().uuidString).py"
        try code.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func theTenLineWorkerOfTheDocsChargesAndRejects() throws {
        let path = try Self.documentedWorker()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let h = try StepHarness("steps:\n  - exec: { command: [python3, \(path)], worker: true }\n  - emit: audit")
        let results = try Self.results([
            h.start(order("a", data: ["amount": 5])), h.start(order("b", data: ["amount": 0])),
        ])
        #expect(results[0].emitted?.first?.event.data == ["amount": 5, "charged": true])
        #expect(results[1].failure?.message == "amount must be positive")
        #expect(results[1].failure?.permanent == true)
    }
}
