import FlowCore

/// Settings that contradict each other: the run would accept them and silently do something else.
extension SemanticChecker {
    /// Exec and http settings that the consumer's other settings make meaningless, every one of them.
    func settingsWithoutEffect() -> [Diagnostic] {
        pipeline.consumers.flatMap { consumer in
            Self.allSteps(consumer.steps).flatMap { step -> [Diagnostic] in
                var found: [Diagnostic] = []
                switch step.kind {
                case .exec(let exec) where exec.worker:
                    if !exec.permanentExitCodes.isEmpty {
                        found.append(
                            warning(
                                at: step,
                                "\"permanent_exit_codes\" has no effect on an exec worker in consumer "
                                    + "\"\(consumer.name)\"",
                                hint: "remove it; a worker rejects an event for good by replying {\"status\": \"fail\"}"
                            )
                        )
                    }
                    if let workers = exec.workers, workers > consumer.concurrency {
                        found.append(
                            warning(
                                at: step,
                                "\"workers: \(workers)\" has no effect beyond the concurrency of consumer "
                                    + "\"\(consumer.name)\" (\(consumer.concurrency)): no more requests are ever in flight",
                                hint: "raise the consumer's concurrency, or lower workers to \(consumer.concurrency)"
                            )
                        )
                    }
                case .http(let http):
                    if let own = http.timeout, let limit = consumer.timeout, own >= limit {
                        found.append(
                            warning(
                                at: step,
                                "the http step's timeout \(DurationText.format(own)) never fires: consumer "
                                    + "\"\(consumer.name)\" ends the attempt after \(DurationText.format(limit))",
                                hint: "make the step's timeout shorter than the consumer's, or remove it"
                            )
                        )
                    }
                default:
                    break
                }
                return found
            }
        }
    }

    /// Consumers whose top-level `delay` steps add up to their timeout or more: an attempt that reaches them
    /// always times out (possibly meant as a declared fault, so a warning).
    func timeoutsBeforeDelays() -> [Diagnostic] {
        pipeline.consumers.compactMap { consumer in
            guard let timeout = consumer.timeout else { return nil }
            var waited = Duration.zero
            for step in consumer.steps {
                guard case .delay(let delay) = step.kind else { continue }
                waited += delay
                guard waited >= timeout else { continue }
                return .warning(
                    .timeoutBeforeDelay,
                    "consumer \"\(consumer.name)\" waits \(DurationText.format(waited)) in its delay steps but its "
                        + "timeout is \(DurationText.format(timeout)): every attempt that gets here times out",
                    at: step.location,
                    length: "delay".count,
                    hint:
                        "shorten the delays or raise the timeout; if the timeout is the fault you mean to declare, keep it"
                )
            }
            return nil
        }
    }

    /// A `setting-without-effect` warning at an exec or http step (underlining its four-letter kind).
    private func warning(at step: Step, _ message: String, hint: String) -> Diagnostic {
        .warning(.settingWithoutEffect, message, at: step.location, length: 4, hint: hint)
    }

    /// `steps` and, depth first, the steps of their route cases.
    static func allSteps(_ steps: [Step]) -> [Step] {
        steps.flatMap { step -> [Step] in
            guard case .route(let cases) = step.kind else { return [step] }
            return [step] + cases.flatMap { allSteps($0.steps) }
        }
    }
}
