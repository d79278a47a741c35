import Dispatch

/// Samples `VmRSS` on a timer and keeps the largest value seen.
///
/// `@unchecked Sendable`: `peak` and `timer` are touched only on `queue`.
final class RSSSampler: @unchecked Sendable {
    private let queue = DispatchQueue(label: "flow-bench.rss")
    private var timer: DispatchSourceTimer?
    private var peak = 0
    private var samples = 0

    /// Starts sampling every `interval`.
    func start(every interval: DispatchTimeInterval = .milliseconds(10)) {
        queue.sync {
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now(), repeating: interval)
            timer.setEventHandler { [unowned self] in
                peak = max(peak, ProcessMemory.resident ?? 0)
                samples += 1
            }
            timer.resume()
            self.timer = timer
        }
    }

    /// Stops sampling; returns the largest `VmRSS` seen and the number of samples.
    func stop() -> (peak: Int, samples: Int) {
        queue.sync {
            timer?.cancel()
            timer = nil
            peak = max(peak, ProcessMemory.resident ?? 0)
            return (peak, samples)
        }
    }
}
