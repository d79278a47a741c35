import FlowCore
import FlowRuntime

/// The live one-line progress on a terminal: published, processed, retried, dead-lettered and the rate.
struct ProgressReporter {
    let run: PipelineRun

    /// Redraws the line every `interval` until the returned task is cancelled.
    func start(every interval: Duration = .milliseconds(250)) -> Task<Void, Never> {
        Task {
            var last: (processed: Int, at: ContinuousClock.Instant)?
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                let summary = await run.summary()
                let now = ContinuousClock.now
                var rate = ""
                if let last {
                    let seconds = DurationText.milliseconds(last.at.duration(to: now)) / 1000
                    if seconds > 0 {
                        rate = " · " + String(Int(Double(summary.processed - last.processed) / seconds)) + " ev/s"
                    }
                }
                last = (summary.processed, now)
                let published = summary.topics.reduce(0) { $0 + $1.published }
                let retried = summary.consumers.reduce(0) { $0 + $1.stats.retried }
                let dead = summary.consumers.reduce(0) { $0 + $1.stats.deadLettered }
                Console.shared.showProgress(
                    "published \(published) · processed \(summary.processed) · retried \(retried)"
                        + " · dead-lettered \(dead)\(rate)"
                )
            }
        }
    }
}
