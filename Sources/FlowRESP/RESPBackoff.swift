/// How long a client waits before each new connection attempt after failures: exponential from `initial`,
/// doubling up to `maximum`.
///
/// Invariant: the first attempt after a working connection broke is immediate (`delay(after: 0)` is zero);
/// delays never decrease as failures accumulate and never exceed `maximum`.
public struct RESPBackoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(5)) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// The wait before the next attempt once `failures` attempts in a row failed.
    public func delay(after failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = initial
        for _ in 1..<min(failures, 64) where delay < maximum { delay *= 2 }
        return min(delay, maximum)
    }
}
