import CoreMetrics
import Dispatch
import FlowCore
import Logging

/// The long-lived processes of one `exec` step with `worker: true` (docs/workers.md).
///
/// Workers start lazily: a request goes to an idle live worker, else a new worker is started while the pool
/// has fewer than `size`, else it is pipelined to the least-loaded live worker (replies are matched by id).
/// A worker that exits, writes something that is not a reply, or holds a request past its deadline is
/// replaced, after a backoff that grows while workers keep failing without a good reply (zero, then 100 ms
/// doubling up to 5 s); while a replacement is pending no worker is started on demand, so a crash loop cannot
/// spin.
///
/// Failure isolation: a worker that dies or breaks while holding one request fails that request (retryably).
/// When it held several, nobody knows which one killed it, so each runs again alone (`isSuspect`) on a worker
/// holding nothing else: the culprit then fails alone and the collateral requests are not charged an attempt.
/// A worker killed for a timeout fails only its late requests; the others run again on another worker.
///
/// Invariants: all state is touched only on `queue`; every request's completion is called exactly once, on
/// `queue`, after the pool's state (a replacement included) is updated; at most `size` workers are live; a
/// worker holding a suspect holds nothing else; the backlog is first in, first out; after `close` no
/// request is accepted and no worker started.
///
/// `@unchecked Sendable`: its mutable state is confined to `queue`.
final class ExecWorkerPool: @unchecked Sendable {
    let command: ExecCommand
    let executable: String
    /// The most workers live at once: the step's `workers`, else the consumer's concurrency.
    let size: Int
    /// The consumer's per-attempt timeout, for messages; requests carry their own deadlines.
    let timeout: Duration?
    let queue: DispatchQueue
    let scheduler: any FlowScheduler
    let logger: Logger
    /// Counted for every replacement worker started; nil when metrics are off.
    let restarts: Counter?

    /// Workers taking requests, in start order.
    var workers: [ExecWorker] = []
    /// Every started worker whose end has not been seen yet (live, closing or killed), by identity.
    var processes: [ObjectIdentifier: ExecWorker] = [:]
    /// Requests no worker can take yet, in order: every request while no worker is live, and every request
    /// behind a suspect waiting for an idle worker (so that a suspect cannot starve).
    var backlog: [ExecWorkerRequest] = []
    var restartsPending = 0
    var failuresInARow = 0
    var timeoutTimer: (work: ScheduledWork, deadline: Duration)?
    var isClosed = false
    private var nextID = 0
    private var whenClosed: [@Sendable () -> Void] = []

    /// A pool for `command`, whose program was resolved to `executable`.
    init(
        command: ExecCommand,
        executable: String,
        size: Int,
        timeout: Duration?,
        queue: DispatchQueue,
        scheduler: any FlowScheduler,
        logger: Logger,
        restarts: Counter? = nil
    ) {
        self.command = command
        self.restarts = restarts
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
    /// serving it ends, breaks or times out first (at `deadline`, on the scheduler's clock). `trace` (the
    /// step's `traceparent`, `tracestate`) goes in the request beside the event. Call on `queue`.
    func submit(
        _ event: CloudEvent,
        deadline: Duration?,
        trace: [String: String] = [:],
        completion: @escaping @Sendable (ExecOutcome) -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !isClosed else {
            completion(.failure(message: "the exec step's workers are shut down", permanent: false))
            return
        }
        nextID += 1
        let request = ExecWorkerRequest(
            id: nextID,
            line: WorkerReply.request(id: String(nextID), event: event, trace: trace),
            deadline: deadline,
            completion: completion
        )
        if let deadline { watch(deadline) }
        if backlog.isEmpty, place(request) { return }
        backlog.append(request)
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
                request.completion(.failure(message: "the exec step's workers are shut down", permanent: false))
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

    /// Writes `request` to the best worker for it, starting one when that is allowed; false when it has to
    /// wait. A request that finds no live worker and cannot start one is completed with that failure.
    private func place(_ request: ExecWorkerRequest) -> Bool {
        var best: ExecWorker?
        for worker in workers where !worker.holdsSuspect && (!request.isSuspect || worker.inFlight.isEmpty) {
            if best.map({ worker.inFlight.count < $0.inFlight.count }) ?? true { best = worker }
        }
        if best?.inFlight.isEmpty != true, workers.count < size, restartsPending == 0 {
            switch startWorker() {
            case .success(let worker): best = worker
            case .failure(let failure):
                // With no worker at all the request cannot be served: fail it. With live workers it waits.
                if best == nil, workers.isEmpty {
                    request.completion(.failure(message: failure.message, permanent: false))
                    return true
                }
            }
        }
        guard let worker = best else { return false }
        worker.inFlight[request.id] = request
        worker.send(request.line)
        return true
    }

    /// Moves backlog requests to workers, in order, until one has to wait.
    func drainBacklog() {
        while let request = backlog.first, place(request) {
            backlog.removeFirst()
        }
    }

    /// A new live worker, or why it could not start (`cannot start "x": …`).
    func startWorker() -> Result<ExecWorker, StartFailure> {
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

    /// Why a worker could not start.
    struct StartFailure: Error {
        var message: String
    }

    func completeCloseIfDone() {
        guard isClosed, processes.isEmpty, !whenClosed.isEmpty else { return }
        let completions = whenClosed
        whenClosed = []
        for completion in completions { completion() }
    }
}

extension ExecWorker {
    /// True while the worker serves a suspect, which must run alone.
    var holdsSuspect: Bool {
        inFlight.count == 1 && inFlight.first?.value.isSuspect == true
    }
}
