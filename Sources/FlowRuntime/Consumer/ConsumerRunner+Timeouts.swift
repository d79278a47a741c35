import Dispatch

extension ConsumerRunner {
    /// Keeps one timer armed for the oldest running attempt's deadline.
    func armTimeoutTimer() {
        guard timeoutTimer == nil else { return }
        while let head = timeouts.first, !isLive(head) { _ = timeouts.popFirst() }
        guard let head = timeouts.first else { return }
        timeoutTimer = scheduler.schedule(after: head.job.deadline - scheduler.now, on: queue) {
            self.expireTimeouts()
        }
    }

    /// Fails every running attempt whose deadline has passed; their late completions are ignored.
    private func expireTimeouts() {
        dispatchPrecondition(condition: .onQueue(queue))
        timeoutTimer = nil
        guard !isStopped, let timeout = configuration.timeout else { return }
        let now = scheduler.now
        while let head = timeouts.first {
            guard isLive(head) else {
                _ = timeouts.popFirst()
                continue
            }
            guard head.job.deadline <= now else { break }
            _ = timeouts.popFirst()
            let job = head.job
            let successor = job.successor()
            job.state = .abandoned
            running -= 1
            meters?.recordRunning(running)
            conclude(successor, .timedOut(after: timeout), emitted: [], now: now)
        }
        armTimeoutTimer()
        pump()
    }

    private func isLive(_ entry: (job: Job, attempt: Int)) -> Bool {
        entry.job.state == .running && entry.job.attempt == entry.attempt
    }
}
