import Dispatch
import FlowCore
import Logging

/// The long-lived processes of one `exec` step with `worker: true` (docs/workers.md).
///
/// Workers start lazily: a request goes to an idle live worker, else a new worker is started while the pool
/// has fewer than `size`, else it goes to the least-loaded live worker (requests are pipelined, matched by
/// id). A worker that exits, writes something that is not a reply, or holds a request past its deadline
/// is replaced: its requests in flight fail retryably, and a replacement starts after a backoff that grows
/// while workers keep failing without a good reply (zero, then 100 ms doubling up to 5 s). While a
/// replacement is pending no worker is started on demand, so a crash loop cannot spin; requests then wait
/// in a backlog when no worker is live.
///
/// Invariants: all state is touched only on `queue`; every request's completion is called exactly once, on
/// `queue`, after the pool's state (a replacement included) is updated; at most `size` workers are live;
/// after `close` no request is accepted and no worker started.
///
/// `@unchecked Sendable`: its mutable state is confined to `queue`.
final class ExecWorkerPool: @unchecked Sendable {
    /// A request not yet written to a worker.
    private struct Waiting {
        var id: Int
        var bytes: [UInt8]
        var pending: ExecWorker.Pending
    }

    let command: ExecCommand
    let executable: String
    /// The most workers live at once: the consumer's concurrency.
    let size: Int
    /// The consumer's per-attempt timeout, for messages; requests carry their own deadlines.
    let timeout: Duration?
    let queue: DispatchQueue
    let scheduler: any FlowScheduler
    let logger: Logger

    /// Workers taking requests, in start order.
    private(set) var workers: [ExecWorker] = []
    /// Every started worker whose end has not been seen yet (live, closing or killed), by identity.
    private var processes: [ObjectIdentifier: ExecWorker] = [:]
    private var backlog: [Waiting] = []
    private var restartsPending = 0
    private var failuresInARow = 0
    private var nextID = 0
    private var timeoutTimer: (work: ScheduledWork, deadline: Duration)?
    private var isClosed = false
    private var whenClosed: [@Sendable () -> Void] = []

    /// A pool for `command`, whose program was resolved to `executable`.
    init(
        command: ExecCommand,
        executable: String,
        size: Int,
        timeout: Duration?,
        queue: DispatchQueue,
        scheduler: any FlowScheduler,
        logger: Logger
    ) {
        self.command = command
        self.executable = executable
        self.size = max(size, 1)
        self.timeout = timeout
        self.queue = queue
        self.scheduler = scheduler
        var logger = logger
        logger[metadataKey: "flow.command"] = "\(command.argv[0])"
        self.logger = logger
    }

    /// The process ids of every worker not seen to end yet, live or not.
    var pids: [Int32] {
        processes.values.map(\.pid).sorted()
    }

    /// Sends `event` to a worker; `completion` gets the reply's outcome, or a retryable failure when the worker
    /// serving it ends, breaks or times out first (at `deadline`, on the scheduler's clock). Call on `queue`.
    func submit(
        _ event: CloudEvent,
        deadline: Duration?,
        completion: @escaping @Sendable (ExecOutcome) -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !isClosed else {
            completion(.failure(message: "the exec step's workers are shut down", permanent: false))
            return
        }
        nextID += 1
        let request = Waiting(
            id: nextID,
            bytes: WorkerReply.request(id: String(nextID), event: event),
            pending: ExecWorker.Pending(completion: completion, deadline: deadline)
        )
        if let armed = timeoutTimer, armed.deadline <= scheduler.now {
            // The runner's timeout for a request on some worker fired before ours and freed its slot: kill
            // that worker first, or this request could be sent to it and die with it.
            armed.work.cancel()
            timeoutTimer = nil
            expireTimeouts()
        }
        if let deadline { watch(deadline) }
        dispatch(request)
    }

    /// Closes every worker's stdin, kills those still running `grace` later, and calls `completion` on
    /// `queue` once every worker has ended. Requests in flight still get their replies; later ones fail.
    /// Idempotent. Call on `queue`.
    func close(grace: Duration = .seconds(2), _ completion: (@Sendable () -> Void)? = nil) {
        dispatchPrecondition(condition: .onQueue(queue))
        if let completion { whenClosed.append(completion) }
        if !isClosed {
            isClosed = true
            timeoutTimer?.work.cancel()
            timeoutTimer = nil
            let waiting = backlog
            backlog = []
            for request in waiting {
                request.pending.completion(
                    .failure(message: "the exec step's workers are shut down", permanent: false)
                )
            }
            let closing = workers
            workers = []
            for worker in closing {
                worker.phase = .closing
                worker.closeInput()
                worker.killTimer = scheduler.schedule(after: grace, on: queue) { worker.killGroup() }
            }
        }
        completeCloseIfDone()
    }

    // MARK: Dispatch

    /// Writes `request` to the best worker, starting one when that is allowed, else keeps it in the backlog.
    private func dispatch(_ request: Waiting) {
        var best: ExecWorker?
        for worker in workers where best.map({ worker.inFlight.count < $0.inFlight.count }) ?? true {
            best = worker
        }
        if best?.inFlight.isEmpty != true, workers.count < size, restartsPending == 0 {
            switch startWorker() {
            case .success(let worker): best = worker
            case .failure(let failure):
                if best == nil {
                    request.pending.completion(.failure(message: failure.message, permanent: false))
                    return
                }
            }
        }
        guard let worker = best else {
            backlog.append(request)
            return
        }
        worker.inFlight[request.id] = request.pending
        worker.send(request.bytes)
    }

    /// A new live worker, or why it could not start (`cannot start "x": …`).
    private func startWorker() -> Result<ExecWorker, StartFailure> {
        let worker = ExecWorker(
            command: command,
            executable: executable,
            queue: queue,
            scheduler: scheduler,
            logger: logger
        ) { [self] worker, event in
            switch event {
            case .line(let line): received(line, from: worker)
            case .overlongLine: broken(worker, "worker wrote a line over 1 MiB on stdout")
            case .ended(let status): ended(worker, status)
            }
        }
        do {
            try worker.start()
        } catch {
            let message = "cannot start \"\(command.argv[0])\": \(error.localizedDescription)"
            logger.error("exec worker cannot start", metadata: ["flow.error": "\(message)"])
            return .failure(StartFailure(message: message))
        }
        workers.append(worker)
        processes[ObjectIdentifier(worker)] = worker
        logger.debug("exec worker started", metadata: ["flow.worker_pid": "\(worker.pid)"])
        return .success(worker)
    }

    private struct StartFailure: Error {
        var message: String
    }

    /// Moves backlog requests to workers, in order; fails them all when no worker can start.
    private func drainBacklog() {
        while !backlog.isEmpty, !workers.isEmpty || (restartsPending == 0 && workers.count < size) {
            dispatch(backlog.removeFirst())
        }
    }

    // MARK: Replies and ends

    private func received(_ line: [UInt8], from worker: ExecWorker) {
        guard worker.phase == .live || worker.phase == .closing else { return }
        let reply: WorkerReply
        do {
            reply = try WorkerReply(line: line)
        } catch {
            broken(worker, error.message)
            return
        }
        guard let id = Int(reply.id), let pending = worker.inFlight.removeValue(forKey: id) else {
            broken(
                worker,
                "worker replied to unknown id \(Value.string(reply.id).jsonString): \(WorkerReply.excerpt(line))"
            )
            return
        }
        failuresInARow = 0
        pending.completion(reply.outcome)
    }

    /// Kills a worker that wrote something other than a reply; its requests fail with `message`.
    private func broken(_ worker: ExecWorker, _ message: String) {
        guard worker.phase == .live || worker.phase == .closing else { return }
        logger.error(
            "exec worker broken; killing it",
            metadata: ["flow.worker_pid": "\(worker.pid)", "flow.error": "\(message)"]
        )
        kill(worker) { _ in message }
    }

    /// Kills `worker` now (SIGKILL to its process group); each request in flight fails retryably with
    /// `message(id)`; a live worker is replaced.
    /// A kill for a timeout is deliberate, not a crash: its replacement starts at once and the crash backoff
    /// does not grow (`crashed: false`).
    private func kill(_ worker: ExecWorker, crashed: Bool = true, message: (Int) -> String) {
        let wasLive = worker.phase == .live
        worker.phase = .killed
        workers.removeAll { $0 === worker }
        worker.killGroup()
        if wasLive { scheduleRestart(crashed: crashed) }
        fail(worker, message)
    }

    private func ended(_ worker: ExecWorker, _ status: ExecOutcome.Ending.Status) {
        processes[ObjectIdentifier(worker)] = nil
        worker.killTimer?.cancel()
        let phase = worker.phase
        worker.phase = .ended
        let description: String
        switch status {
        case .exited(let code): description = "worker exited with status \(code)"
        case .signaled(let signal): description = "worker killed by signal \(ExecOutcome.signalName(signal))"
        }
        switch phase {
        case .live:
            workers.removeAll { $0 === worker }
            logger.error(
                "exec worker exited; restarting it",
                metadata: [
                    "flow.worker_pid": "\(worker.pid)", "flow.status": "\(description)",
                    "flow.in_flight": "\(worker.inFlight.count)",
                ]
            )
            scheduleRestart()
            fail(worker) { _ in description }
        case .closing:
            logger.debug("exec worker stopped", metadata: ["flow.worker_pid": "\(worker.pid)"])
            fail(worker) { _ in description }
        case .killed, .ended:
            break
        }
        completeCloseIfDone()
    }

    /// Completes every request in flight on `worker` as a retryable failure.
    private func fail(_ worker: ExecWorker, _ message: (Int) -> String) {
        let inFlight = worker.inFlight.sorted { $0.key < $1.key }
        worker.inFlight = [:]
        for (id, pending) in inFlight {
            pending.completion(.failure(message: message(id), permanent: false))
        }
    }

    /// Starts a replacement after the backoff for the current run of crashes (at once when not `crashed`).
    private func scheduleRestart(crashed: Bool = true) {
        guard !isClosed else { return }
        if crashed { failuresInARow += 1 }
        restartsPending += 1
        let delay = crashed ? Self.restartDelay(afterFailures: failuresInARow) : .zero
        scheduler.schedule(after: delay, on: queue) { [self] in
            restartsPending -= 1
            guard !isClosed else { return }
            if workers.count < size, case .failure(let failure) = startWorker() {
                let waiting = backlog
                backlog = []
                for request in waiting {
                    request.pending.completion(.failure(message: failure.message, permanent: false))
                }
            }
            drainBacklog()
        }
    }

    /// Zero after the first failure, then 100 ms doubling per further failure without a good reply, at most 5 s.
    static func restartDelay(afterFailures failures: Int) -> Duration {
        guard failures > 1 else { return .zero }
        let doublings = min(failures - 2, 6)
        return min(.milliseconds(100) * (1 << doublings), .seconds(5))
    }

    private func completeCloseIfDone() {
        guard isClosed, processes.isEmpty, !whenClosed.isEmpty else { return }
        let completions = whenClosed
        whenClosed = []
        for completion in completions { completion() }
    }

    // MARK: Timeouts

    /// Makes sure the timer fires no later than `deadline`.
    private func watch(_ deadline: Duration) {
        if let armed = timeoutTimer {
            guard deadline < armed.deadline else { return }
            armed.work.cancel()
        }
        let work = scheduler.schedule(after: deadline - scheduler.now, on: queue) { [self] in
            timeoutTimer = nil
            expireTimeouts()
        }
        timeoutTimer = (work, deadline)
    }

    /// Kills every worker holding a request past its deadline and fails waiting requests past theirs, then
    /// re-arms for the earliest deadline left. Runs about once per timeout period: O(requests in flight).
    private func expireTimeouts() {
        guard !isClosed else { return }
        let now = scheduler.now
        let timeout = self.timeout.map(DurationText.format) ?? "its deadline"
        for worker in workers {
            let late = worker.inFlight.filter { $0.value.deadline.map { $0 <= now } ?? false }.keys
            guard let first = late.min() else { continue }
            logger.error(
                "exec worker timed out; killing it",
                metadata: ["flow.worker_pid": "\(worker.pid)", "flow.timeout": "\(timeout)"]
            )
            kill(worker, crashed: false) { id in
                late.contains(id)
                    ? "exec worker timed out after \(timeout); the worker was killed"
                    : "exec worker killed because request \(first) on it timed out after \(timeout)"
            }
        }
        let expired = backlog.filter { $0.pending.deadline.map { $0 <= now } ?? false }
        backlog.removeAll { $0.pending.deadline.map { $0 <= now } ?? false }
        for request in expired {
            request.pending.completion(
                .failure(message: "timed out after \(timeout) waiting for an exec worker", permanent: false)
            )
        }
        let remaining =
            workers.flatMap { $0.inFlight.values.compactMap(\.deadline) }
            + backlog.compactMap(\.pending.deadline)
        if let earliest = remaining.min() { watch(earliest) }
    }
}
