import Dispatch
import FlowCore

extension StepHandler {
    /// Starts `command` for the current event of `run` (on `queue`) and continues with the outcome.
    func launch(_ command: ExecCommand, _ run: StepRun, _ completion: @escaping @Sendable (HandlerResult) -> Void) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let executable = command.executable else {
            completion(.failure(message: command.problem ?? "command cannot run", permanent: true))
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
            if case .failure(let message, let permanent) = outcome {
                completion(.failure(message: message, permanent: permanent))
                return
            }
            guard var run = resumable(run, completion) else { return }
            switch outcome {
            case .unchanged:
                break
            case .replaceData(let data):
                run.event.data = data
            case .emit(let emissions):
                do throws(EvaluationError) {
                    for emission in emissions {
                        try append(
                            to: emission.topic,
                            type: emission.type,
                            data: emission.data,
                            key: emission.key,
                            &run
                        )
                    }
                } catch {
                    completion(.failure(message: "handler output: \(error.message)", permanent: true))
                    return
                }
            case .failure:
                return
            }
            proceed(run, completion)
        }
    }
}
