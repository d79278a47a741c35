/// One row of a scenario's table: how many events took how long, with optional latency and memory figures.
///
/// Invariant: `seconds > 0` whenever `events > 0`; latencies are in nanoseconds.
struct Measurement {
    /// What was measured (`flow`, `raw DispatchQueue.async`).
    var name: String
    var events: Int
    var seconds: Double
    var p50: UInt64?
    var p99: UInt64?
    var p999: UInt64?
    var max: UInt64?
    /// Peak resident set size in bytes while it ran (`VmHWM`), when known.
    var peakRSS: Int?

    /// Events per second.
    var rate: Double { seconds > 0 ? Double(events) / seconds : 0 }
}
