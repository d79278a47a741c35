import FlowCore

extension PipelineRun {
    /// True when every producer has finished and every group has committed everything on every topic. On a
    /// broker other processes share, producers this process does not run must have been reported finished
    /// there (`SharedProgress`); elsewhere nothing else can run them, so they count as done.
    ///
    /// Two passes over the topics must agree: an event emitted and committed between the reads of two
    /// topics would otherwise make a busy pipeline look idle for one pass.
    public func isIdle() async -> Bool {
        let finished = await onQueue { self.outcomes.count }
        guard finished == producers.count else { return false }
        let elsewhere = pipeline.producers.map(\.name).filter { !options.parts.runs(producer: $0) }
        if !elsewhere.isEmpty, let shared = broker as? any SharedProgress {
            guard let unfinished = try? await shared.unfinished(elsewhere), unfinished.isEmpty else { return false }
        }
        guard let first = await committedSnapshot(), let second = await committedSnapshot() else { return false }
        return first == second
    }

    /// Total published records when no group has lag on any topic, else nil.
    private func committedSnapshot() async -> Int? {
        var published = 0
        for topic in pipeline.topics {
            guard let stats = try? await broker.stats(of: topic.name), stats.waitingPublishes == 0 else {
                return nil
            }
            for group in stats.committed.keys where stats.lag(of: group) != 0 { return nil }
            published += stats.published
        }
        return published
    }

    /// Returns once the run is idle (see `isIdle()`), checking every `idleCheckInterval` on the scheduler.
    public func waitUntilIdle() async {
        while !(await isIdle()) {
            await sleep(options.idleCheckInterval)
        }
    }

    /// Suspends for `duration` of the scheduler's time (a manual scheduler's `advance` resumes it).
    public func sleep(_ duration: Duration) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            options.scheduler.schedule(after: duration, on: queue) { continuation.resume() }
        }
    }
}
