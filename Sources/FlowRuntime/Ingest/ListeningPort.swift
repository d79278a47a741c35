import Synchronization

/// The port an ingest server bound, for whoever needs it before or after it is known (tests binding port 0,
/// logs).
///
/// Invariant: it is settled at most once, to the bound port or to nil when the server never listened; every
/// waiter is resumed exactly once with that value.
final class ListeningPort: Sendable {
    private struct State {
        var settled = false
        var port: Int?
        var waiters: [CheckedContinuation<Int?, Never>] = []
    }

    private let state = Mutex(State())

    /// The port, or nil while unknown or when the server never listened.
    var current: Int? { state.withLock { $0.port } }

    /// Records the outcome (the first call wins) and wakes the waiters.
    func settle(_ port: Int?) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int?, Never>] in
            guard !state.settled else { return [] }
            state.settled = true
            state.port = port
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    /// The port once settled.
    func value() async -> Int? {
        await withCheckedContinuation { continuation in
            let settled = state.withLock { state -> (Bool, Int?) in
                if state.settled { return (true, state.port) }
                state.waiters.append(continuation)
                return (false, nil)
            }
            if settled.0 { continuation.resume(returning: settled.1) }
        }
    }
}
