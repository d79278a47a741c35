import Dispatch
import FlowCore

extension StepHandler {
    /// Starts `command` for the current event of `run` (on `queue`) and continues with the outcome; `label`
    /// names the step in failure messages.
    func launch(
        _ command: ExecCommand,
        label: String,
        _ run: StepRun,
        _ completion: @escaping @Sendable (HandlerResult) -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        let executable: String
        switch command.executable {
        case .success(let path): executable = path
        case .failure(let unresolved):
            completion(.failure(message: unresolved.message, permanent: true))
            return
        }
        var logger = logger
        for (key, value) in run.metadata { logger[metadataKey: key] = value }
        let process = ExecProcess(
            command: command,
            executable: executable,
            queue: queue,
            scheduler: scheduler,
            logger: logger
        )
        let input = Array((run.event.jsonObject.jsonString + "\n").utf8)
        let limit = timeout.flatMap { timeout in run.deadline.map { (timeout: timeout, deadline: $0) } }
        process.start(input: input, limit: limit) { [self] outcome in
            if let result = continuation(after: outcome, label: label, run, completion) {
                completion(result)
            }
        }
    }

    /// Applies a finished process's `outcome` to `run` and proceeds; returns the result instead when the
    /// invocation ends here.
    private func continuation(
        after outcome: ExecOutcome,
        label: String,
        _ run: StepRun,
        _ completion: @escaping @Sendable (HandlerResult) -> Void
    ) -> HandlerResult? {
        if case .failure(let message, let permanent) = outcome {
            return .failure(message: message, permanent: permanent)
        }
        guard var run = resumable(run, completion) else { return nil }
        do throws(EvaluationError) {
            switch outcome {
            case .unchanged, .failure:
                break
            case .replaceData(let data):
                run.context.event?.data = data
            case .emit(let emissions):
                for emission in emissions {
                    try append(to: emission.topic, type: emission.type, data: emission.data, key: emission.key, &run)
                }
            }
        } catch {
            return .failure(message: "expression failed in \(label): \(error.message)", permanent: true)
        }
        proceed(run, completion)
        return nil
    }
}
