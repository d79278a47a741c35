import Dispatch
import FlowCore
import Foundation
import Synchronization
import Testing

@testable import FlowRuntime

/// A worker holding several requests when it dies, breaks or times out: only the request at fault is charged.
/// The first worker of each test holds its requests until it has `hold` of them (so they are in flight together
/// on it, pipelined: `workers: 1`); later workers answer at once. Results are awaited for at most 10 s while
/// virtual time moves in 100 ms steps (restart backoff).
extension StepHandlerTests {
    /// A pool of one worker over `concurrency: 3` running `handle(r)` for each request `r` it holds.
    static func holdingWorker(_ handle: String, hold: Int, consumer: String = "") throws -> (StepHarness, String) {
        let marker = NSTemporaryDirectory() + "flow-first-worker-\(UUID().uuidString)"
        let script = """
            def reply(m):
                sys.stdout.write(json.dumps(m) + '\\n')
                sys.stdout.flush()
            first = not os.path.exists(os.environ['MARK'])
            open(os.environ['MARK'], 'a').close()
            held = []
            for line in sys.stdin:
                held.append(json.loads(line))
                if first and len(held) < \(hold):
                    continue
                if first:
                    sys.stderr.write('holding %d\\n' % len(held))
                    sys.stderr.flush()
                for r in held:
                    e, i = r['event'], r['id']
            \(handle.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n"))
                    reply({'id': i, 'status': 'ok', 'data': {'pid': os.getpid(), 'n': e['data'].get('n')}})
                held = []
            """
        let h = try StepHarness(
            python(
                script,
                options: "worker: true, workers: 1, env: { MARK: \(marker) }",
                after: "  - emit: audit",
                consumer: "concurrency: 3" + (consumer.isEmpty ? "" : "\n" + consumer)
            )
        )
        return (h, marker)
    }

    /// Waits (really: a process is starting) until the first worker says it holds `count` requests.
    static func waitUntilFirstWorkerHolds(_ count: Int, _ h: StepHarness) {
        let limit = Date().addingTimeInterval(10)
        while !h.logs.entries("exec stderr").contains(where: { $0.metadata["flow.stderr"] == "holding \(count)" }),
            Date() < limit
        {
            usleep(2000)
        }
    }

    /// Every outcome's result, advancing virtual time while waiting (for at most 10 s of real time).
    static func settledResults(_ outcomes: [StepOutcome], _ h: StepHarness) throws -> [HandlerResult] {
        let limit = Date().addingTimeInterval(10)
        while outcomes.contains(where: { $0.result == nil }), Date() < limit {
            h.scheduler.advance(by: .milliseconds(100))
            usleep(2000)
        }
        return try outcomes.map { try #require($0.result, "no result within 10 s") }
    }

    @Test(arguments: [
        ("os._exit(3)", "worker exited with status 3", "exec worker exited; restarting it"),
        (
            "print('Traceback (most recent call last):', flush=True)\ncontinue",
            "worker wrote invalid JSON: Traceback (most recent call last):", "exec worker broken; killing it"
        ),
    ])
    func aWorkerDyingWithSeveralRequestsRunsEachAgainAloneSoOnlyTheCulpritFails(
        bad: String,
        message: String,
        log: String
    ) throws {
        let (h, marker) = try Self.holdingWorker(
            "if e['data'].get('bad'):\n    \(bad.replacingOccurrences(of: "\n", with: "\n    "))",
            hold: 3
        )
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let outcomes = [
            h.start(order("a", data: ["n": 1]), offset: 1),
            h.start(order("b", data: ["n": 2, "bad": true]), offset: 2),
            h.start(order("c", data: ["n": 3]), offset: 3),
        ]
        let results = try Self.settledResults(outcomes, h)
        #expect(results[0].emitted?.first?.event.data["n"] == 1)
        #expect(results[1].failure?.message == message)
        #expect(results[1].failure?.permanent == false)
        #expect(results[2].emitted?.first?.event.data["n"] == 3)
        #expect(outcomes.map(\.calls) == [1, 1, 1])
        // a was answered by the first worker; b and c were in flight when it died, then ran alone.
        #expect(try Self.pid(results[0]) != Self.pid(results[2]))
        let isolated = h.logs.entries("exec worker requests run again one at a time")
        #expect(isolated.first?.metadata["flow.requests"] == "2")
        #expect(h.logs.entries(log).first?.metadata["flow.in_flight"] == "2")
        #expect(h.logs.entries(log).count == 2)
    }

    @Test func requestsQueuedBehindATimedOutRequestRunAgainOnAnotherWorker() throws {
        let (h, marker) = try Self.holdingWorker(
            "if e['data'].get('hang'):\n    time.sleep(30)",
            hold: 2,
            consumer: "timeout: 200ms"
        )
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let hung = h.start(order("a", data: ["n": 1, "hang": true]), offset: 1)
        h.scheduler.advance(by: .milliseconds(100))
        let behind = h.start(order("b", data: ["n": 2]), offset: 2)
        h.scheduler.settle()
        Self.waitUntilFirstWorkerHolds(2, h)
        #expect(hung.result == nil && behind.result == nil)
        h.scheduler.advance(by: .milliseconds(100))
        let failure = try #require(hung.wait()?.failure)
        #expect(failure.message == "exec worker timed out after 200ms; the worker was killed")
        h.scheduler.settle()  // the replacement starts at once (a timeout is not a crash); time stands still
        let result = try #require(behind.wait(), "no result within 10 s")
        #expect(result.emitted?.first?.event.data["n"] == 2, "\(result)")
        #expect(behind.calls == 1)
    }

    @Test func aRequestArrivingJustAsAnotherTimesOutIsNotLostWithTheHungWorker() throws {
        // The runner's own timeout frees a slot at the deadline, before the pool's timer for that deadline has
        // run: the next request reaches the pool while the hung worker is still live (pinned here by scheduling
        // the next request at the deadline, before the pool arms its timer).
        let (h, marker) = try Self.holdingWorker(
            "if e['data'].get('hang'):\n    time.sleep(30)",
            hold: 1,
            consumer: "timeout: 200ms"
        )
        defer { try? FileManager.default.removeItem(atPath: marker) }
        let next = Mutex<StepOutcome?>(nil)
        h.scheduler.schedule(after: .milliseconds(200), on: DispatchQueue(label: "test.next")) {
            let outcome = h.start(order("b", data: ["n": 2]), offset: 2)
            next.withLock { $0 = outcome }
        }
        let hung = h.start(order("a", data: ["n": 1, "hang": true]), offset: 1)
        h.scheduler.settle()
        Self.waitUntilFirstWorkerHolds(1, h)
        h.scheduler.advance(by: .milliseconds(200))
        #expect(
            try #require(hung.wait()?.failure).message == "exec worker timed out after 200ms; the worker was killed"
        )
        let outcome = try #require(next.withLock { $0 })
        h.scheduler.settle()
        let result = try #require(outcome.wait(), "no result within 10 s")
        #expect(result.emitted?.first?.event.data["n"] == 2, "\(result)")
    }

    @Test func thePoolHasTheStepsWorkersAtMostAndNeverMoreThanConcurrency() throws {
        let few = try StepHarness(Self.worker(Self.pidReply, options: "workers: 2", consumer: "concurrency: 8"))
        #expect(few.handler.workerPools.values.first?.size == 2)
        let many = try StepHarness(Self.worker(Self.pidReply, options: "workers: 16", consumer: "concurrency: 4"))
        #expect(many.handler.workerPools.values.first?.size == 4)
        let unset = try StepHarness(Self.worker(Self.pidReply, consumer: "concurrency: 3"))
        #expect(unset.handler.workerPools.values.first?.size == 3)
    }
}
