import FlowCore

extension StepHandler {
    /// Where an invocation stopped running inline.
    enum Stop {
        case finished(HandlerResult)
        /// Continue after this long on the scheduler.
        case delay(Duration)
        /// Continue once this command has run for the current event; `label` names the step.
        case exec(ExecCommand, label: String)
        /// Continue once the Swift handler `name` has returned.
        case swift(String, label: String)
        /// Continue once this request has been answered (or has failed), waiting at most `timeout`.
        case http(HTTPStepRequest, timeout: Duration, label: String)
    }

    /// Runs `run` from `run.next` until it finishes or must wait. Evaluation errors are permanent failures
    /// naming the step: the same event would fail the same way on every retry.
    func execute(_ run: inout StepRun) -> Stop {
        while run.next < program.instructions.count || run.faultDelayed != nil {
            let index: Int
            if let delayed = run.faultDelayed {
                index = delayed  // `next` already points past it
            } else {
                index = run.next
                run.next += 1
            }
            guard let tracing, let parent = run.trace, program.isStep(index) else {
                if let stop = perform(index, &run) { return stop }
                continue
            }
            let span = tracing.startStep(program.labels[index], parent: parent)
            run.stepSpan = span
            run.traceHeaders = tracing.headers(of: span.context)
            guard let stop = perform(index, &run) else {
                run.endStep()
                continue
            }
            switch stop {
            case .finished(let result): run.endStep(result)
            case .delay, .exec, .swift, .http: break  // ended when the step resumes
            }
            return stop
        }
        return .finished(.success(emitted: run.emitted))
    }

    /// Runs instruction `index`; nil to go on with the next one.
    private func perform(_ index: Int, _ run: inout StepRun) -> Stop? {
        if run.faultDelayed == index {
            run.faultDelayed = nil
        } else if let faults = faultInjector?.faults[index] {
            switch injectFault(faults, at: index, &run) {
            case .none: break
            case .answered: return nil
            case .stop(let stop): return stop
            }
        }
        // `flow run` has no mocks: skip the lookup (and its hashing) on every instruction.
        if !mocks.isEmpty, let script = mocks[index] {
            return mocked(script.next(), label: program.labels[index], &run)
        }
        do throws(EvaluationError) {
            switch program.instructions[index] {
            case .filter(let condition):
                if try !holds(condition, &run) { return .finished(.filtered) }
            case .log(let message, let level):
                let text = try message.renderString(&run.context)
                logger.log(level: level, "\(text)", metadata: run.metadata)
            case .set(let assignments):
                for assignment in assignments {
                    let value = try Self.render(assignment.value, &run.context)
                    try Self.assign(value, to: assignment.target, in: &run.context.event!)
                }
            case .emit(let emit):
                try self.emit(emit, &run)
            case .branch(let condition, let otherwise):
                if try !holds(condition, &run) { run.next = otherwise }
            case .jump(let target):
                run.next = target
            case .delay(let duration):
                return .delay(duration)
            case .fail(let fail):
                guard try holds(fail.when, &run) else { return nil }
                let message = try fail.message?.renderString(&run.context) ?? "declared fault"
                return .finished(.failure(message: message, permanent: fail.permanent))
            case .drop(let when):
                if try holds(when, &run) { return .finished(.dropped) }
            case .exec(let command):
                return .exec(command, label: program.labels[index])
            case .swift(let name):
                return .swift(name, label: program.labels[index])
            case .http(let step):
                return .http(try request(step, &run), timeout: httpTimeout(step), label: program.labels[index])
            }
        } catch {
            return .finished(
                .failure(
                    message: "expression failed in \(program.labels[index]): \(error.message)",
                    permanent: true
                )
            )
        }
        return nil
    }

    /// The boolean value of a condition (true when there is none); any other type is an error.
    private func holds(_ condition: FlowCore.Expression?, _ run: inout StepRun) throws(EvaluationError) -> Bool {
        guard let condition else { return true }
        let value = try condition.evaluate(&run.context)
        guard case .bool(let result) = value else {
            throw EvaluationError("condition \"\(condition.source)\" is \(value.typeName), not bool")
        }
        return result
    }
}
