import Dispatch
import FlowCore
import Foundation
import Testing

@testable import FlowRuntime

/// Exec tests start real `python3` processes; a result is awaited for at most 10 s (the test fails rather than
/// hangs), and virtual time only moves when a test advances it.
extension StepHandlerTests {
    /// A consumer whose first step runs `script` with `python3 -c` (`json`, `os`, `signal`, `sys`, `time`
    /// imported), followed by `after` steps.
    static func python(_ script: String, options: String = "", after: String = "", consumer: String = "") -> String {
        let code = "import json, os, signal, sys, time\n" + script
        let quoted = code.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        var text = consumer.isEmpty ? "" : consumer + "\n"
        text += "steps:\n  - exec: { command: [python3, -c, \"\(quoted)\"]\(options.isEmpty ? "" : ", " + options) }"
        if !after.isEmpty { text += "\n" + after }
        return text
    }

    /// Runs `event` through `consumer` and waits for the result of its process.
    static func exec(_ consumer: String, _ event: CloudEvent = order()) throws -> (StepHarness, HandlerResult) {
        let h = try StepHarness(consumer)
        let outcome = h.start(event)
        let result = try #require(outcome.wait(), "no result within 10 s")
        #expect(outcome.calls == 1)
        return (h, result)
    }

    @Test func theProcessReadsTheCloudEventAndAnObjectOnStdoutReplacesData() throws {
        let script =
            "e = json.load(sys.stdin)\nprint(json.dumps({'id': e['id'], 'spec': e['specversion'], 'n': e['data']['n'] + 1}))"
        let (_, result) = try Self.exec(Self.python(script, after: "  - emit: audit"))
        let data = try #require(result.emitted?.first?.event.data)
        #expect(data == ["id": "e1", "spec": "1.0", "n": 3])
    }

    @Test func emptyStdoutLeavesTheEventUnchanged() throws {
        let (_, result) = try Self.exec(Self.python("sys.stdin.read()", after: "  - emit: audit"))
        #expect(result.emitted?.first?.event.data == ["n": 2, "customer": "c7"])
    }

    @Test func anArrayOnStdoutEmitsEventsAndTheStepsContinue() throws {
        let script = """
            print(json.dumps([{'to': 'payments', 'type': 'Paid', 'data': {'customer': 'c9'}}, {'to': 'audit', 'key': 'k'}]))
            """
        let (_, result) = try Self.exec(Self.python(script, after: "  - emit: { to: audit, type: Done }"))
        let emitted = try #require(result.emitted)
        #expect(emitted.map(\.topic) == ["payments", "audit", "audit"])
        #expect(emitted.map(\.key) == ["c9", "k", nil])
        #expect(emitted.map(\.event.type) == ["Paid", "OrderCreated", "Done"])
        #expect(emitted[1].event.data == ["n": 2, "customer": "c7"])
        #expect(emitted[0].event.source == "flow/c")
    }

    @Test func anOutputItemWithoutTopicIsAPermanentFailureNamingIt() throws {
        let (_, result) = try Self.exec(Self.python("print(json.dumps([{'to': 'audit'}, {'type': 'X'}]))"))
        let failure = try #require(result.failure)
        #expect(failure.message == "handler output item 2 has no \"to\" topic")
        #expect(failure.permanent)
    }

    @Test func anOutputItemForAnUndeclaredTopicIsAPermanentFailureNamingIt() throws {
        let (_, result) = try Self.exec(Self.python("print(json.dumps([{'to': 'audit'}, {'to': 'audti'}]))"))
        let failure = try #require(result.failure)
        #expect(failure.message == "step 1 (exec): handler output emits to undeclared topic \"audti\"")
        #expect(failure.permanent)
    }

    @Test func garbageOnStdoutIsAPermanentFailureQuotingIt() throws {
        let (_, result) = try Self.exec(Self.python("print('not json at all')"))
        let failure = try #require(result.failure)
        #expect(failure.message == "handler wrote invalid JSON on stdout: not json at all")
        #expect(failure.permanent)
    }

    @Test(arguments: [("", false), (", permanent_exit_codes: [3]", true)])
    func aNonZeroExitFailsWithTheLastStderrLine(options: String, permanent: Bool) throws {
        let script = "sys.stderr.write('first\\nboom\\n')\nsys.exit(3)"
        let (_, result) = try Self.exec(Self.python(script, options: String(options.dropFirst(2))))
        let failure = try #require(result.failure)
        #expect(failure.message == "exit status 3: boom")
        #expect(failure.permanent == permanent)
    }

    @Test func stderrLinesGoToTheLogAtWarningWithTheEventsFields() throws {
        let (h, result) = try Self.exec(Self.python("sys.stderr.write('charging card\\nno newline')"))
        #expect(result.emitted?.isEmpty == true)
        let entries = h.logs.entries("exec stderr")
        #expect(entries.map { $0.metadata["flow.stderr"] } == ["charging card", "no newline"])
        #expect(entries.map(\.level) == [.warning, .warning])
        #expect(entries.first?.metadata["flow.consumer"] == "c")
        #expect(entries.first?.metadata["flow.event_id"] == "e1")
    }

    @Test func theStepsEnvironmentAndWorkingDirectoryReachTheProcess() throws {
        let script =
            "print(json.dumps({'flavour': os.environ['FLAVOUR'], 'cwd': os.getcwd(), 'path': 'PATH' in os.environ}))"
        let (_, result) = try Self.exec(
            Self.python(script, options: "env: { FLAVOUR: mint }, cwd: /tmp", after: "  - emit: audit")
        )
        #expect(result.emitted?.first?.event.data == ["flavour": "mint", "cwd": "/tmp", "path": true])
    }

    @Test func aProcessKilledByASignalIsARetryableFailure() throws {
        let (_, result) = try Self.exec(Self.python("os.kill(os.getpid(), signal.SIGKILL)"))
        let failure = try #require(result.failure)
        #expect(failure.message == "killed by signal SIGKILL (9)")
        #expect(!failure.permanent)
    }

    @Test func aBackgroundChildHoldingStdoutDoesNotKeepTheStepWaiting() throws {
        // The child inherits stdout and sleeps; the program prints and exits. Time stands still (a 30 s
        // timeout that is never reached), so the result can only come from the group being killed at exit.
        let script = """
            import subprocess
            child = subprocess.Popen(['sleep', '30'])
            print(json.dumps({'child': child.pid}), flush=True)
            """
        let h = try StepHarness(Self.python(script, after: "  - emit: audit", consumer: "timeout: 30s"))
        let outcome = h.start(order())
        let result = try #require(outcome.wait(), "the step waited for its background child")
        guard case .int(let child)? = result.emitted?.first?.event.data["child"] else {
            Issue.record("no child pid in \(result)")
            return
        }
        #expect(Self.isDead(Int32(child)))
    }

    /// True once `pid` has ended: gone, or a zombie (an orphan is reaped by init, whenever that gets to it),
    /// polling for at most 10 s.
    static func isDead(_ pid: Int32) -> Bool {
        let limit = Date().addingTimeInterval(10)
        func ended() -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
                return kill(pid, 0) != 0
            }
            return stat.contains(") Z ")
        }
        while !ended(), Date() < limit { usleep(10000) }
        return ended()
    }

    @Test func aProcessThatOutlivesTheTimeoutIsKilled() throws {
        let h = try StepHarness(Self.python("time.sleep(30)", consumer: "timeout: 200ms"))
        let outcome = h.start(order())
        h.scheduler.settle()
        #expect(outcome.result == nil)
        h.scheduler.advance(by: .milliseconds(200))
        let failure = try #require(outcome.wait()?.failure, "the process was not killed within 10 s")
        #expect(failure.message == "exec timed out after 200ms; its process group was killed")
        #expect(!failure.permanent)
    }

    @Test func aProcessIgnoringSIGTERMIsKilledOneSecondLater() throws {
        let script =
            "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nsys.stderr.write('ready\\n')\nsys.stderr.flush()\ntime.sleep(30)"
        let h = try StepHarness(Self.python(script, consumer: "timeout: 200ms"))
        let outcome = h.start(order())
        let ready = Date().addingTimeInterval(10)
        while h.logs.entries("exec stderr").isEmpty, Date() < ready { usleep(10000) }
        #expect(h.logs.entries("exec stderr").first?.metadata["flow.stderr"] == "ready")
        h.scheduler.advance(by: .milliseconds(200))
        h.scheduler.advance(by: .seconds(1))
        let failure = try #require(outcome.wait()?.failure, "the process was not killed within 10 s")
        #expect(failure.message.hasPrefix("exec timed out after 200ms"))
    }

    @Test func outputBeyondOneMebibyteIsAPermanentFailure() throws {
        let (_, result) = try Self.exec(Self.python("sys.stdout.write('x' * (2 * 1024 * 1024))\nsys.stdout.flush()"))
        let failure = try #require(result.failure)
        #expect(failure.message == "output exceeds 1 MiB on stdout; the process was killed")
        #expect(failure.permanent)
    }

    @Test func aProcessThatNeverReadsALargeEventStillSucceeds() throws {
        let big = order(data: ["blob": .string(String(repeating: "y", count: 512 * 1024))])
        let (_, result) = try Self.exec(Self.python("pass"), big)
        #expect(result.emitted?.isEmpty == true)
    }

    @Test func aCommandNotOnPATHFailsPermanently() throws {
        let (_, result) = try Self.exec("steps:\n  - exec: [no-such-flow-tool, --flag]")
        let failure = try #require(result.failure)
        #expect(failure.message == "command \"no-such-flow-tool\" not found on PATH")
        #expect(failure.permanent)
    }
}
