import FlowCore

extension SemanticChecker {
    /// Every `exec` step (route cases included) whose program `ExecutableLookup` cannot find: run, such a
    /// step fails every event permanently, so the run would dead-letter everything it touches.
    func missingCommands(_ check: LoaderOptions.CommandCheck) -> [Diagnostic] {
        pipeline.consumers.flatMap { consumer in
            Self.execSteps(in: consumer.steps).compactMap { step, exec -> Diagnostic? in
                let lookup = ExecutableLookup.resolve(
                    exec,
                    environment: check.environment,
                    currentDirectory: check.currentDirectory
                )
                guard case .failure(let notFound) = lookup else { return nil }
                return Diagnostic(
                    check.severity,
                    .commandNotFound,
                    "consumer \"\(consumer.name)\": \(notFound.message)",
                    at: step.location,
                    length: "exec".count,
                    hint: exec.command.first?.contains("/") == true
                        ? "relative paths start from the step's cwd, else the directory flow runs in (\(check.currentDirectory))"
                        : "install it, fix its name, or give its path; flow run does not start while it is missing"
                )
            }
        }
    }

    private static func execSteps(in steps: [Step]) -> [(Step, Step.Exec)] {
        allSteps(steps).compactMap { step in
            guard case .exec(let exec) = step.kind else { return nil }
            return (step, exec)
        }
    }
}
