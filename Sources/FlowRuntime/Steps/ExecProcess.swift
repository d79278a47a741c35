import Dispatch
import FlowCore
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of an `exec` step's program for one event: the event goes to stdin, stdout is collected (at most
/// `ExecOutcome.outputLimit` bytes), stderr lines go to the log at warning, and the process group is killed
/// when the attempt's timeout passes (SIGTERM, then SIGKILL a second later on the scheduler).
///
/// Invariants: all mutable state is touched only on `queue` (I/O callbacks and the termination hop arrive
/// there); `completion` is called exactly once, after the process has ended and both output streams reached
/// end of file. Nothing on `queue` blocks: the pipes are read and written on threads of their own (`PipeIO`), and
/// the exit is observed through `terminationHandler`.
///
/// `@unchecked Sendable`: its mutable state is confined to `queue`.
final class ExecProcess: @unchecked Sendable {
    private let command: ExecCommand
    private let executable: String
    private let queue: DispatchQueue
    private let scheduler: any FlowScheduler
    private let logger: Logger
    private let process = Process()
    private var completion: (@Sendable (ExecOutcome) -> Void)?

    private var stdout: [UInt8] = []
    private var stdoutCount = 0
    private var stderrCount = 0
    private var partialLine: [UInt8] = []
    private var lastStderrLine: String?
    private var overflowed: String?
    private var timedOut: Duration?
    private var status: ExecOutcome.Ending.Status?
    private var openStreams = 2
    private var terminating = false
    private var timers: [ScheduledWork] = []

    /// Writing to a pipe whose reader has exited raises SIGPIPE, which would end the whole runner; ignored
    /// once per process (as swift-nio does) so such a write fails with EPIPE instead. Children inherit the
    /// ignored disposition; most interpreters (Python among them) set their own.
    static let brokenPipesIgnored: Bool = {
        signal(SIGPIPE, SIG_IGN)
        return true
    }()

    init(command: ExecCommand, executable: String, queue: DispatchQueue, scheduler: any FlowScheduler, logger: Logger) {
        self.command = command
        self.executable = executable
        self.queue = queue
        self.scheduler = scheduler
        self.logger = logger
    }

    /// Starts the process with `input` on its stdin; kills it at `limit.deadline`. Call on `queue`.
    func start(
        input: [UInt8],
        limit: (timeout: Duration, deadline: Duration)?,
        completion: @escaping @Sendable (ExecOutcome) -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        _ = Self.brokenPipesIgnored
        self.completion = completion
        let (stdinPipe, stdoutPipe, stderrPipe) = command.prepare(process, executable: executable)
        process.terminationHandler = { [self] process in
            let status = ExecOutcome.Ending.Status(process)
            scheduler.execute(on: queue) { self.ended(status) }
        }
        do {
            try Self.withSignalsUnblocked { try process.run() }
        } catch {
            finish(
                .failure(
                    message: "cannot start \"\(command.argv[0])\": \(error.localizedDescription)",
                    permanent: false
                )
            )
            return
        }
        PipeIO.writeAndClose(input, to: stdinPipe.fileHandleForWriting, name: "flow.exec.stdin")
        read(stdoutPipe.fileHandleForReading, stream: "stdout")
        read(stderrPipe.fileHandleForReading, stream: "stderr")
        if let limit {
            timers.append(
                scheduler.schedule(after: limit.deadline - scheduler.now, on: queue) { [weak self] in
                    guard let self, self.completion != nil else { return }
                    timedOut = limit.timeout
                    terminate()
                }
            )
        }
    }

    /// Runs `body` with an empty signal mask on this thread. A child inherits its parent thread's mask, and
    /// Dispatch worker threads block asynchronous signals: spawned from one, the child would ignore the
    /// SIGTERM that ends it at the timeout. A signal sent to the runner meanwhile is handled as it would be on
    /// any thread.
    static func withSignalsUnblocked(_ body: () throws -> Void) rethrows {
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try body()
    }

    private func read(_ handle: FileHandle, stream: String) {
        PipeIO.drain(handle, name: "flow.exec.\(stream)", queue: queue, scheduler: scheduler) { [self] bytes in
            received(bytes, on: stream)
        } end: { [self] in
            openStreams -= 1
            finishIfDone()
        }
    }

    private func received(_ data: [UInt8], on stream: String) {
        let isStdout = stream == "stdout"
        let total = (isStdout ? stdoutCount : stderrCount) + data.count
        if isStdout { stdoutCount = total } else { stderrCount = total }
        guard total <= ExecOutcome.outputLimit else {
            if overflowed == nil {
                overflowed = stream
                terminate()
            }
            return
        }
        if isStdout {
            stdout.append(contentsOf: data)
            return
        }
        for byte in data {
            if byte == 0x0A {
                logStderrLine()
            } else {
                partialLine.append(byte)
            }
        }
    }

    private func logStderrLine() {
        var line = partialLine
        partialLine.removeAll(keepingCapacity: true)
        if line.last == 0x0D { line.removeLast() }
        guard !line.isEmpty else { return }
        let text = String(decoding: line, as: UTF8.self)
        lastStderrLine = text
        logger.warning("exec stderr", metadata: ["flow.stderr": "\(text)", "flow.command": "\(command.argv[0])"])
    }

    private func ended(_ status: ExecOutcome.Ending.Status) {
        self.status = status
        // The program has exited: whatever it left in its process group goes too, always (a background child
        // holding an output pipe open would otherwise keep the step waiting for its timeout).
        kill(-process.processIdentifier, SIGKILL)
        finishIfDone()
    }

    /// SIGTERM to the process group now, SIGKILL a second later unless everything has ended by then.
    private func terminate() {
        guard !terminating, completion != nil else { return }
        terminating = true
        let group = -process.processIdentifier
        kill(group, SIGTERM)
        timers.append(
            scheduler.schedule(after: .seconds(1), on: queue) { [weak self] in
                if self?.completion != nil { kill(group, SIGKILL) }
            }
        )
    }

    private func finishIfDone() {
        guard let status, openStreams == 0, completion != nil else { return }
        if !partialLine.isEmpty { logStderrLine() }
        let ending = ExecOutcome.Ending(
            status: status,
            stdout: stdout,
            lastStderrLine: lastStderrLine,
            overflowed: overflowed,
            timedOut: timedOut
        )
        finish(ExecOutcome(ending, permanentExitCodes: command.permanentExitCodes))
    }

    /// Completes once; drops the timers and the termination handler (which holds `self`, and which the
    /// process holds).
    private func finish(_ outcome: ExecOutcome) {
        for timer in timers { timer.cancel() }
        timers = []
        process.terminationHandler = nil
        let completion = self.completion
        self.completion = nil
        completion?(outcome)
    }
}
