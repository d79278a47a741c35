import Dispatch
import Foundation

/// The baseline of every scenario: one producer queue hands `count` messages to one serial consumer queue,
/// one `DispatchQueue.async` per message, and the consumer counts them. No batching, no backpressure.
///
/// `@unchecked Sendable`: `handled` and `end` are touched only on `consumer`.
final class RawHandOff<Payload: Sendable>: @unchecked Sendable {
    private let producer = DispatchQueue(label: "flow-bench.raw.producer")
    private let consumer = DispatchQueue(label: "flow-bench.raw.consumer")
    private let count: Int
    private let make: @Sendable (Int) -> Payload
    private let done = Latch()
    private var handled = 0
    private var end = ContinuousClock.now

    /// A hand-off of `count` messages; `make(i)` builds message `i` on the producer queue.
    init(count: Int, make: @escaping @Sendable (Int) -> Payload) {
        self.count = count
        self.make = make
    }

    /// Runs the hand-off: from the first `async` to the last message counted.
    func run() async -> Measurement {
        let start = ContinuousClock.now
        producer.async {
            for index in 0..<self.count {
                let payload = self.make(index)
                self.consumer.async {
                    withExtendedLifetime(payload) {}
                    self.handled += 1
                    if self.handled == self.count {
                        self.end = ContinuousClock.now
                        self.done.open()
                    }
                }
            }
        }
        await done.wait()
        let end = consumer.sync { self.end }
        return Measurement(name: "raw DispatchQueue.async", events: count, seconds: (end - start).seconds)
    }
}

extension RawHandOff {
    /// The raw row beside a flow run: resets the peak RSS left by that run, hands `count` payloads over, and
    /// returns the measurement with its own peak.
    static func measure(count: Int, make: @escaping @Sendable (Int) -> Payload) async -> Measurement {
        ProcessMemory.resetPeak()
        var raw = await RawHandOff(count: count, make: make).run()
        raw.peakRSS = ProcessMemory.peakResident
        return raw
    }
}
