import CoreMetrics
import Dispatch
import FlowCore
import Logging

extension StepHandler {
    /// Runs `command` for the current event of `run` (on `queue`), as a process of its own or on the step's
    /// worker pool, and continues with the outcome; `label` names the step in failure messages.
    func launch(
        _ command: ExecCommand,
        label: String,
        _ run: StepRun,
        _ completion: @escaping @Sendable (HandlerResult) -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        let started = scheduler.now
        let executable: String
        switch command.executable {
        case .success(let path): executable = path
        case .failure(let unresolved):
            completion(.failure(message: unresolved.message, permanent: true))
            return
        }
        if command.worker, let pool = workerPools[label] {
            pool.submit(run.event, deadline: run.deadline, trace: run.traceHeaders) { [self] outcome in
                stepEnded(run, label: label, since: started, failure: outcome.failureMessage)
                if let result = continuation(after: outcome, label: label, run, completion) {
                    completion(result)
                }
            }
            return
        }
        var logger = logger
        for (key, value) in run.metadata { logger[metadataKey: key] = value }
        var command = command
        for (name, value) in run.traceHeaders { command.environment[name.uppercased()] = value }
        let process = ExecProcess(
            command: command,
            executable: executable,
            queue: queue,
            scheduler: scheduler,
            logger: logger
        )
        let input = run.event.jsonBytes + [0x0A]
        let limit = timeout.flatMap { timeout in run.deadline.map { (timeout: timeout, deadline: $0) } }
        process.start(input: input, limit: limit) { [self] outcome in
            stepEnded(run, label: label, since: started, failure: outcome.failureMessage)
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
        let reply: (data: Value?, emissions: [ExecOutcome.Emission])
        switch outcome {
        case .unchanged, .failure: reply = (nil, [])
        case .replaceData(let data): reply = (data, [])
        case .emit(let emissions): reply = (nil, emissions)
        case .reply(let data, let emissions): reply = (data, emissions)
        }
        return apply(reply, from: "handler output", label: label, run, completion)
    }
}

extension StepHandler {
    /// A pool for each `exec` step with `worker: true` whose program was found, by the step's label; each pool
    /// has the step's `workers` processes at most, else `size` (the consumer's concurrency), and never more
    /// than `size`: a worker beyond the requests in flight would never get one.
    static func workerPools(
        _ program: StepProgram,
        size: Int,
        timeout: Duration?,
        queue: DispatchQueue,
        scheduler: any FlowScheduler,
        logger: Logger,
        restarts: Counter?,
        skipping mocked: Set<Int>
    ) -> [String: ExecWorkerPool] {
        var pools: [String: ExecWorkerPool] = [:]
        for (index, instruction) in program.instructions.enumerated() where !mocked.contains(index) {
            guard case .exec(let command) = instruction, command.worker,
                case .success(let executable) = command.executable
            else { continue }
            pools[program.labels[index]] = ExecWorkerPool(
                command: command,
                executable: executable,
                size: min(command.workers ?? size, size),
                timeout: timeout,
                queue: queue,
                scheduler: scheduler,
                logger: logger,
                restarts: restarts
            )
        }
        return pools
    }

    /// Stops the `exec` workers: each gets end of file on stdin, answers what it has in flight, and is killed
    /// if it has not exited 2 s later; returns once every worker has ended. Requests arriving later fail
    /// retryably. Idempotent. Call once the consumer has drained (`PipelineRun.shutdown`).
    public func close() async {
        await withCheckedContinuation { continuation in
            close { continuation.resume() }
        }
    }

    /// `close()` with a completion, called on `queue` once every worker has ended.
    func close(_ completion: @escaping @Sendable () -> Void) {
        let pools = Array(workerPools.values)
        scheduler.execute(on: queue) {
            for pool in pools { pool.close() }
            Self.waitForClose(pools[...], completion)
        }
    }

    private static func waitForClose(_ pools: ArraySlice<ExecWorkerPool>, _ completion: @escaping @Sendable () -> Void)
    {
        guard let pool = pools.first else { return completion() }
        pool.close { waitForClose(pools.dropFirst(), completion) }
    }
}
