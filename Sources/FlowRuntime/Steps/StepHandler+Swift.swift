import FlowCore

extension StepHandler {
    /// Calls the Swift handler `name` with the current event and continues with the event it returns and the
    /// events it emitted; a thrown `SwiftHandlerFailure.permanent` is permanent, any other error retryable.
    func call(
        _ name: String,
        label: String,
        _ run: StepRun,
        _ completion: @escaping @Sendable (HandlerResult) -> Void
    ) {
        guard let handler = swiftHandlers.handler(named: name) else {
            completion(.failure(message: "\(label): no Swift handler is registered as \"\(name)\"", permanent: true))
            return
        }
        var logger = logger
        for (key, value) in run.metadata { logger[metadataKey: key] = value }
        let context = SwiftHandlerContext(attempt: run.context.attempt, consumer: self.name, logger: logger)
        let event = run.event
        let started = scheduler.now
        Task {
            let outcome: Result<CloudEvent, any Error>
            do {
                outcome = .success(try await handler(event, context))
            } catch {
                outcome = .failure(error)
            }
            scheduler.execute(on: queue) { [self] in
                var failure: String?
                if case .failure(let error) = outcome { failure = "\(error)" }
                stepEnded(run, label: label, since: started, failure: failure)
                guard var run = resumable(run, completion) else { return }
                switch outcome {
                case .success(let event):
                    if let topic = topicKeys.firstUndeclared(context.emitted.map(\.topic)) {
                        completion(
                            .failure(message: "\(label): emits to undeclared topic \"\(topic)\"", permanent: true)
                        )
                        return
                    }
                    run.event = event
                    do throws(EvaluationError) {
                        for emitted in context.emitted {
                            var key = emitted.key
                            if key == nil { key = try topicKeys.key(for: emitted.event, on: emitted.topic) }
                            run.emitted.append(EmittedEvent(topic: emitted.topic, key: key, event: emitted.event))
                        }
                    } catch {
                        completion(
                            .failure(message: "\(label): key of an emitted event: \(error.message)", permanent: true)
                        )
                        return
                    }
                    proceed(run, completion)
                case .failure(let error as SwiftHandlerFailure):
                    if case .permanent = error {
                        completion(.failure(message: "\(label): \(error)", permanent: true))
                    } else {
                        completion(.failure(message: "\(label): \(error)", permanent: false))
                    }
                case .failure(let error):
                    completion(.failure(message: "\(label): \(error)", permanent: false))
                }
            }
        }
    }
}
