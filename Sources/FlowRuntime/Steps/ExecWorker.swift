import Dispatch
import FlowCore
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One long-lived process of an `ExecWorkerPool`: requests are written to its stdin as JSON lines, its stdout
/// is split into lines for the pool, and its stderr lines go to the log at warning (docs/workers.md).
///
/// Invariants: all mutable state is touched only on `queue` (output chunks and the termination hop arrive
/// there); `events` receives every stdout line in order, then `.ended` exactly once, after the process has
/// exited and both output streams reached end of file; nothing is delivered after `.ended`. Writes are
/// coalesced: every request sent during one turn of `queue` goes out in one write.
///
/// I/O: blocking reads on one thread per output stream and blocking writes on a serial queue of the worker's
/// own, never on `queue` (`PipeIO` says why not DispatchIO). Each descriptor is closed by the one thread or
/// queue that uses it.
///
/// `@unchecked Sendable`: its mutable state is confined to `queue`.
final class ExecWorker: @unchecked Sendable {
    /// Where a worker is in its life, as the pool sees it.
    enum Phase: Equatable {
        /// Takes requests.
        case live
        /// Its stdin is closed (shutdown); it still answers what it has.
        case closing
        /// Killed by the pool (broken or timed out); its requests were failed already and its lines are ignored.
        case killed
        case ended
    }

    /// What the worker reports to its pool.
    enum Event {
        /// One stdout line, without its newline.
        case line([UInt8])
        /// A stdout line grew past `ExecOutcome.outputLimit` without a newline.
        case overlongLine
        case ended(ExecOutcome.Ending.Status)
    }

    private let command: ExecCommand
    private let executable: String
    private let queue: DispatchQueue
    private let scheduler: any FlowScheduler
    private var logger: Logger
    private let process = Process()
    private var events: ((ExecWorker, Event) -> Void)?

    /// Set by the pool.
    var phase = Phase.live
    /// Requests written and not answered, by request id; managed by the pool.
    var inFlight: [Int: ExecWorkerRequest] = [:]
    /// The SIGKILL the pool scheduled at shutdown, cancelled when the process ends first.
    var killTimer: ScheduledWork?
    /// The process id once started.
    private(set) var pid: Int32 = 0

    /// Where stdin is written (blocking) and finally closed; nil once closing was queued.
    private var input: FileHandle?
    private let writer = DispatchQueue(label: "flow.exec.worker.stdin")
    private var outgoing: [UInt8] = []
    private var flushScheduled = false
    private var inputClosing = false
    private var line: [UInt8] = []
    private var lineOverflowed = false
    private var stderrLine: [UInt8] = []
    private var status: ExecOutcome.Ending.Status?
    private var openStreams = 2

    /// A worker for `command` (whose program is `executable`); `events` is called on `queue`.
    init(
        command: ExecCommand,
        executable: String,
        queue: DispatchQueue,
        scheduler: any FlowScheduler,
        logger: Logger,
        events: @escaping (ExecWorker, Event) -> Void
    ) {
        self.command = command
        self.executable = executable
        self.queue = queue
        self.scheduler = scheduler
        self.logger = logger
        self.events = events
    }

    /// Starts the process in its own process group. Call on `queue`. On error nothing was started and no
    /// event will come.
    func start() throws {
        dispatchPrecondition(condition: .onQueue(queue))
        _ = ExecProcess.brokenPipesIgnored
        let (stdinPipe, stdoutPipe, stderrPipe) = command.prepare(process, executable: executable)
        process.terminationHandler = { [self] process in
            let status = ExecOutcome.Ending.Status(process)
            scheduler.execute(on: queue) { self.exited(status) }
        }
        do {
            try ExecProcess.withSignalsUnblocked { try process.run() }
        } catch {
            process.terminationHandler = nil
            events = nil
            throw error
        }
        pid = process.processIdentifier
        logger[metadataKey: "flow.worker_pid"] = "\(pid)"
        input = stdinPipe.fileHandleForWriting
        read(stdoutPipe.fileHandleForReading, isStdout: true)
        read(stderrPipe.fileHandleForReading, isStdout: false)
    }

    /// Queues `bytes` for stdin; everything sent in this turn of `queue` is written at once, in order.
    func send(_ bytes: [UInt8]) {
        outgoing.append(contentsOf: bytes)
        guard !flushScheduled else { return }
        flushScheduled = true
        scheduler.execute(on: queue) { [self] in flush() }
    }

    /// Closes stdin once what was sent is written: the worker reads end of file.
    func closeInput() {
        inputClosing = true
        if !flushScheduled { flush() }
    }

    /// SIGKILL to the worker's process group, unless the process has been seen to exit.
    func killGroup() {
        guard pid > 0, status == nil else { return }
        kill(-pid, SIGKILL)
    }

    private func flush() {
        flushScheduled = false
        guard let input else { return }
        let bytes = outgoing
        outgoing.removeAll(keepingCapacity: true)
        let closing = inputClosing
        if closing { self.input = nil }
        writer.async {
            if !bytes.isEmpty { PipeIO.writeAll(bytes, to: input.fileDescriptor) }
            if closing { try? input.close() }
        }
    }

    private func read(_ handle: FileHandle, isStdout: Bool) {
        let name = isStdout ? "flow.exec.worker.stdout" : "flow.exec.worker.stderr"
        PipeIO.drain(handle, name: name, queue: queue, scheduler: scheduler) { [self] bytes in
            if isStdout { receivedStdout(bytes) } else { receivedStderr(bytes) }
        } end: { [self] in
            openStreams -= 1
            finishIfDone()
        }
    }

    private func receivedStdout(_ buffer: [UInt8]) {
        guard !lineOverflowed else { return }
        var start = buffer.startIndex
        while let newline = buffer[start...].firstIndex(of: 0x0A) {
            if line.isEmpty {
                deliver(Array(buffer[start..<newline]))
            } else {
                line.append(contentsOf: buffer[start..<newline])
                deliver(line)
                line.removeAll(keepingCapacity: true)
            }
            start = newline + 1
        }
        line.append(contentsOf: buffer[start...])
        if line.count > ExecOutcome.outputLimit {
            line = []
            lineOverflowed = true
            events?(self, .overlongLine)
        }
    }

    private func deliver(_ bytes: [UInt8]) {
        var bytes = bytes
        if bytes.last == 0x0D { bytes.removeLast() }
        events?(self, .line(bytes))
    }

    private func receivedStderr(_ data: [UInt8]) {
        for byte in data {
            if byte == 0x0A {
                logStderrLine()
            } else {
                stderrLine.append(byte)
                if stderrLine.count >= ExecOutcome.outputLimit { logStderrLine() }
            }
        }
    }

    private func logStderrLine() {
        var text = stderrLine
        stderrLine.removeAll(keepingCapacity: true)
        if text.last == 0x0D { text.removeLast() }
        guard !text.isEmpty else { return }
        logger.warning(
            "exec stderr",
            metadata: ["flow.stderr": "\(String(decoding: text, as: UTF8.self))", "flow.command": "\(command.argv[0])"]
        )
    }

    private func exited(_ status: ExecOutcome.Ending.Status) {
        self.status = status
        // Whatever the worker left in its process group goes too, always: it could keep the pipes open and the
        // worker's end unseen.
        kill(-pid, SIGKILL)
        finishIfDone()
    }

    /// Reports the end once the process has exited and both streams are closed; drops every reference that
    /// kept the worker alive (the termination handler, which the process holds, and the pool's callback).
    private func finishIfDone() {
        guard let status, openStreams == 0, let events else { return }
        if !stderrLine.isEmpty { logStderrLine() }
        process.terminationHandler = nil
        if let input {
            self.input = nil
            writer.async { try? input.close() }
        }
        self.events = nil
        events(self, .ended(status))
    }
}
