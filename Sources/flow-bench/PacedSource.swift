import Dispatch

/// A steady source: every `tick` it calls `emit(first, count)` with the events due by then, so that on
/// average `perTick` events go out per tick whatever the timer's jitter; stops after `total` events.
///
/// `@unchecked Sendable`: `sent` and `timer` are touched only on `queue`.
final class PacedSource: @unchecked Sendable {
    private let queue = DispatchQueue(label: "flow-bench.paced", qos: .userInteractive)
    private let total: Int
    private let perTick: Int
    private let tick: Duration
    private let emit: @Sendable (_ first: Int, _ count: Int) -> Void
    private var timer: DispatchSourceTimer?
    private var sent = 0
    /// Opens once `total` events were emitted.
    let finished = Latch()

    /// A source of `total` events, `perTick` per `tick`; `emit` runs on the source's queue.
    init(total: Int, perTick: Int, tick: Duration, emit: @escaping @Sendable (Int, Int) -> Void) {
        self.total = total
        self.perTick = perTick
        self.tick = tick
        self.emit = emit
    }

    /// Starts the timer.
    func start() {
        queue.async {
            let start = ContinuousClock.now
            let nanos = Int(self.tick.seconds * 1e9)
            let timer = DispatchSource.makeTimerSource(flags: .strict, queue: self.queue)
            timer.schedule(deadline: .now(), repeating: .nanoseconds(nanos), leeway: .nanoseconds(0))
            timer.setEventHandler { [unowned self] in
                let ticks = Int((ContinuousClock.now - start).seconds / self.tick.seconds) + 1
                let due = min(self.total, ticks * self.perTick)
                if due > self.sent {
                    self.emit(self.sent, due - self.sent)
                    self.sent = due
                }
                if self.sent == self.total {
                    self.timer?.cancel()
                    self.timer = nil
                    self.finished.open()
                }
            }
            timer.resume()
            self.timer = timer
        }
    }
}
