import FlowCore
import Logging

extension ExecWorkerPool {
    /// Makes sure the timer fires no later than `deadline`.
    func watch(_ deadline: Duration) {
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

    /// Kills every worker holding a request past its deadline: its late requests fail, its others run again
    /// on another worker (a request queued behind a hung one is not at fault). Fails backlog requests past
    /// their deadline, then re-arms for the earliest deadline left. Runs about once per timeout period:
    /// O(requests in flight).
    func expireTimeouts() {
        guard !isClosed else { return }
        let now = scheduler.now
        let timeout = self.timeout.map(DurationText.format) ?? "its deadline"
        // Kill every late worker before sending anything again, so nothing is re-sent to a worker about to die.
        var innocent: [ExecWorkerRequest] = []
        for worker in workers where worker.inFlight.values.contains(where: { $0.isLate(at: now) }) {
            logger.error(
                "exec worker timed out; killing it",
                metadata: [
                    "flow.worker_pid": "\(worker.pid)", "flow.timeout": "\(timeout)",
                    "flow.in_flight": "\(worker.inFlight.count)",
                ]
            )
            kill(worker, crashed: false)
            for request in worker.takeInFlight() {
                guard request.isLate(at: now) else {
                    innocent.append(request)
                    continue
                }
                request.completion(
                    .failure(message: "exec worker timed out after \(timeout); the worker was killed", permanent: false)
                )
            }
        }
        let expired = backlog.filter { $0.isLate(at: now) }
        backlog.removeAll { $0.isLate(at: now) }
        for request in expired {
            request.completion(
                .failure(message: "timed out after \(timeout) waiting for an exec worker", permanent: false)
            )
        }
        requeue(innocent.sorted { $0.id < $1.id })
        let remaining =
            workers.flatMap { $0.inFlight.values.compactMap(\.deadline) } + backlog.compactMap(\.deadline)
        if let earliest = remaining.min() { watch(earliest) }
    }
}
