import Dispatch

extension ConsumerRunner {
    /// Stops taking new records and completes (on the runner's queue) once every started record is
    /// committed, or when `grace` has passed, whichever comes first; then leaves the group. Records received
    /// but not started stay uncommitted. Started records keep their due retries and publishes during the
    /// grace.
    public func drain(grace: Duration, completion: @escaping @Sendable (DrainOutcome) -> Void) {
        scheduler.execute(on: queue) {
            guard !self.isStopped else {
                completion(.finished)
                return
            }
            self.drainCompletions.append(completion)
            guard !self.isDraining else { return }
            self.isDraining = true
            self.graceTimer = self.scheduler.schedule(after: grace, on: self.queue) {
                self.stop(.graceElapsed(unfinished: self.active))
            }
            self.pump()
        }
    }

    /// Ends the drain once nothing started is left.
    func finishDrainIfIdle() {
        guard isDraining, !isStopped, active == 0 else { return }
        stop(.finished)
    }

    private func stop(_ outcome: DrainOutcome) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !isStopped else { return }
        flushAcks()
        isStopped = true
        graceTimer?.cancel()
        timeoutTimer?.cancel()
        breakerWake?.cancel()
        let completions = drainCompletions
        drainCompletions = []
        let finish: @Sendable () -> Void = {
            self.scheduler.execute(on: self.queue) {
                for completion in completions { completion(outcome) }
            }
        }
        if let subscription { subscription.close(completion: finish) } else { finish() }
    }
}
