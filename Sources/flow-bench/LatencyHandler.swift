import FlowRuntime

/// The step of the latency scenario: records `now - published` of each event (its data is the publish stamp)
/// and completes `.success()` synchronously.
struct LatencyHandler: EventHandler {
    let recorder: LatencyRecorder

    func handle(_ delivery: HandlerInput, completion: @escaping @Sendable (HandlerResult) -> Void) {
        if case .int(let published) = delivery.event.data { recorder.record(published: UInt64(published)) }
        completion(.success())
    }
}
