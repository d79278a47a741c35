/// What a consumer runs per event: the steps of a pipeline consumer, or a Swift handler.
///
/// Contract: call `completion` exactly once per call, either synchronously inside `handle` (the fast path:
/// the runner takes the result without a queue hop) or later from any thread. A completion that arrives after
/// the attempt timed out is ignored. `handle` runs on the runner's queue: never block in it.
public protocol EventHandler: Sendable {
    func handle(_ delivery: HandlerInput, completion: @escaping @Sendable (HandlerResult) -> Void)
}
