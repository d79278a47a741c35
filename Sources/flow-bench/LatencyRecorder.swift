import Dispatch
import Histogram
import Synchronization

/// Produce-to-handle latencies: each event carries its publish instant (`DispatchTime` uptime nanoseconds)
/// and the handler records `now - published` here.
///
/// Invariant: `finished` opens when `target` latencies have been recorded.
final class LatencyRecorder: Sendable {
    private static let highest: UInt64 = 60_000_000_000
    private let histogram = Mutex(
        Histogram<UInt64>(highestTrackableValue: LatencyRecorder.highest, numberOfSignificantValueDigits: .three)
    )
    private let count = Atomic<Int>(0)
    /// Events to record before `finished` opens.
    let target: Int
    /// Opens once `target` latencies were recorded.
    let finished = Latch()

    /// A recorder that opens `finished` at the `target`-th latency.
    init(target: Int) {
        self.target = target
    }

    /// The current instant, as events are stamped with it.
    static var stamp: UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// Records the latency of an event stamped `published`.
    func record(published: UInt64) {
        let latency = Self.stamp &- published
        histogram.withLock { _ = $0.record(min(latency, Self.highest)) }
        if count.wrappingAdd(1, ordering: .relaxed).newValue == target { finished.open() }
    }

    /// p50, p99, p99.9 and max in nanoseconds.
    var percentiles: (p50: UInt64, p99: UInt64, p999: UInt64, max: UInt64) {
        histogram.withLock { histogram in
            (
                histogram.valueAtPercentile(50), histogram.valueAtPercentile(99), histogram.valueAtPercentile(99.9),
                histogram.max
            )
        }
    }
}
