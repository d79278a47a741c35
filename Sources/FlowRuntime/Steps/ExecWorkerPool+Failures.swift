import FlowCore
import Logging

extension ExecWorkerPool {
    // MARK: Replies

    func received(_ line: [UInt8], from worker: ExecWorker) {
        guard worker.phase == .live || worker.phase == .closing else { return }
        let reply: WorkerReply
        do {
            reply = try WorkerReply(line: line)
        } catch {
            broken(worker, error.message)
            return
        }
        guard let id = Int(reply.id), let request = worker.inFlight.removeValue(forKey: id) else {
            broken(
                worker,
                "worker replied to unknown id \(Value.string(reply.id).jsonString): \(WorkerReply.excerpt(line))"
            )
            return
        }
        failuresInARow = 0
        if !backlog.isEmpty { drainBacklog() }
        request.completion(reply.outcome)
    }

    // MARK: Ends

    /// Kills a worker that wrote something other than a reply; its requests fail with `message`, or run again
    /// alone when it held several.
    func broken(_ worker: ExecWorker, _ message: String) {
        guard worker.phase == .live || worker.phase == .closing else { return }
        logger.error(
            "exec worker broken; killing it",
            metadata: [
                "flow.worker_pid": "\(worker.pid)", "flow.error": "\(message)",
                "flow.in_flight": "\(worker.inFlight.count)",
            ]
        )
        kill(worker, crashed: true)
        rescue(worker.takeInFlight(), from: worker, message: message)
    }

    func ended(_ worker: ExecWorker, _ status: ExecOutcome.Ending.Status) {
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
            scheduleRestart(crashed: true)
            rescue(worker.takeInFlight(), from: worker, message: description)
        case .closing:
            logger.debug("exec worker stopped", metadata: ["flow.worker_pid": "\(worker.pid)"])
            rescue(worker.takeInFlight(), from: worker, message: description)
        case .killed, .ended:
            break
        }
        completeCloseIfDone()
    }

    /// Takes a live or closing `worker` out of service now (SIGKILL to its process group); a live one is
    /// replaced. A kill for a timeout is deliberate, not a crash: its replacement starts at once and the crash
    /// backoff does not grow (`crashed: false`). The caller settles the worker's requests.
    func kill(_ worker: ExecWorker, crashed: Bool) {
        let wasLive = worker.phase == .live
        worker.phase = .killed
        workers.removeAll { $0 === worker }
        worker.killGroup()
        if wasLive { scheduleRestart(crashed: crashed) }
    }

    /// Settles the requests a worker held when it died or broke: one request alone fails retryably with
    /// `message` (it killed its worker, or at least it was the only one there); several run again, each alone,
    /// ahead of the backlog. After `close` they all fail: there is no worker left to isolate them on.
    func rescue(_ held: [ExecWorkerRequest], from worker: ExecWorker, message: String) {
        guard held.count > 1, !isClosed else {
            for request in held { request.completion(.failure(message: message, permanent: false)) }
            return
        }
        logger.warning(
            "exec worker requests run again one at a time",
            metadata: ["flow.worker_pid": "\(worker.pid)", "flow.requests": "\(held.count)"]
        )
        requeue(
            held.map { request in
                var request = request
                request.isSuspect = true
                return request
            }
        )
    }

    /// Puts `requests` at the head of the backlog, in order, and dispatches what can go.
    func requeue(_ requests: [ExecWorkerRequest]) {
        backlog.insert(contentsOf: requests, at: 0)
        drainBacklog()
    }

    /// Starts a replacement after the backoff for the current run of crashes (at once when not `crashed`).
    func scheduleRestart(crashed: Bool) {
        guard !isClosed else { return }
        if crashed { failuresInARow += 1 }
        restartsPending += 1
        let delay = crashed ? Self.restartDelay(afterFailures: failuresInARow) : .zero
        scheduler.schedule(after: delay, on: queue) { [self] in
            restartsPending -= 1
            guard !isClosed else { return }
            if workers.count < size {
                restarts?.increment()
                if case .failure(let failure) = startWorker(), workers.isEmpty {
                    // No worker at all: nothing in the backlog can be served. With live workers it drains below.
                    let waiting = backlog
                    backlog = []
                    for request in waiting {
                        request.completion(.failure(message: failure.message, permanent: false))
                    }
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
}

extension ExecWorker {
    /// Empties `inFlight`, returning its requests in id order (the order they were written).
    func takeInFlight() -> [ExecWorkerRequest] {
        let held = inFlight.values.sorted { $0.id < $1.id }
        inFlight = [:]
        return held
    }
}
