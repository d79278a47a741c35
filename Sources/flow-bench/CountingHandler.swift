import FlowRuntime
import Synchronization

/// The no-op step of the throughput scenarios: completes `.success()` synchronously and counts the events.
///
/// Invariant: `finished` opens exactly when the `target`-th event has been handled.
final class CountingHandler: EventHandler {
    /// Events to handle before `finished` opens.
    let target: Int
    /// Opens once `target` events were handled.
    let finished = Latch()
    private let count = Atomic<Int>(0)

    /// A handler that opens `finished` at the `target`-th event.
    init(target: Int) {
        self.target = target
    }

    /// Events handled so far.
    var handled: Int { count.load(ordering: .relaxed) }

    func handle(_ delivery: HandlerInput, completion: @escaping @Sendable (HandlerResult) -> Void) {
        let handled = count.wrappingAdd(1, ordering: .relaxed).newValue
        completion(.success())
        if handled == target { finished.open() }
    }
}
