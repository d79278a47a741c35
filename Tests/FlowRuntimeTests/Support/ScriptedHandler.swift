import FlowCore
import Synchronization

@testable import FlowRuntime

/// A handler whose replies a test scripts per attempt; it records every call with its virtual time and can
/// hold completions for the test to deliver later (from the test's thread, like an asynchronous step).
final class ScriptedHandler: EventHandler {
    enum Reply: Sendable {
        /// Complete synchronously with this result.
        case result(HandlerResult)
        /// Keep the completion; the test calls `complete(_:attempt:with:)`.
        case hold
    }

    struct Call: Sendable, Equatable, CustomStringConvertible {
        var id: String
        var attempt: Int
        var at: Duration

        var description: String { "\(id)#\(attempt)@\(Int(at / .milliseconds(1)))ms" }
    }

    private struct State {
        var calls: [Call] = []
        var held: [String: @Sendable (HandlerResult) -> Void] = [:]
        var maxHeld = 0
    }

    private let scheduler: any FlowScheduler
    private let script: @Sendable (HandlerInput) -> Reply
    private let state = Mutex(State())

    init(scheduler: any FlowScheduler, script: @escaping @Sendable (HandlerInput) -> Reply) {
        self.scheduler = scheduler
        self.script = script
    }

    func handle(_ delivery: HandlerInput, completion: @escaping @Sendable (HandlerResult) -> Void) {
        let call = Call(id: delivery.event.id, attempt: delivery.attempt, at: scheduler.now)
        let reply = script(delivery)
        state.withLock { state in
            state.calls.append(call)
            if case .hold = reply {
                state.held["\(call.id)#\(call.attempt)"] = completion
                state.maxHeld = max(state.maxHeld, state.held.count)
            }
        }
        if case .result(let result) = reply { completion(result) }
    }

    /// Delivers a held completion, from the calling thread.
    func complete(_ id: String, attempt: Int = 1, with result: HandlerResult = .success()) {
        let completion = state.withLock { $0.held.removeValue(forKey: "\(id)#\(attempt)") }
        completion?(result)
    }

    var calls: [Call] { state.withLock { $0.calls } }

    var callDescriptions: [String] { calls.map(\.description) }

    /// Completions held now, by `id#attempt`.
    var held: [String] { state.withLock { $0.held.keys.sorted() } }

    /// The most completions held at once.
    var maxHeld: Int { state.withLock { $0.maxHeld } }
}
