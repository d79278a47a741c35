extension Pipeline.Consumer {
    /// Topics the consumer's own steps name: `emit` steps, `route` cases' `to:` shorthand and emits nested in
    /// cases, in step order, repeats included. Handlers (`exec`, `http`, `swift`) may emit elsewhere too; those
    /// targets are only known when they run.
    public var emitTargets: [String] {
        Self.emitTargets(of: steps)
    }

    private static func emitTargets(of steps: [Step]) -> [String] {
        steps.flatMap { step -> [String] in
            switch step.kind {
            case .emit(let emit): [emit.to]
            case .route(let cases): cases.flatMap { ($0.to.map { [$0] } ?? []) + emitTargets(of: $0.steps) }
            default: []
            }
        }
    }
}

extension Pipeline {
    /// The topics `consumer` writes (its `emitTargets` and dead-letter topic) from which events can flow back
    /// to its own source, through other consumers' emits and dead letters: the publishes that close a cycle.
    ///
    /// With bounded topics such a cycle can stall for good: the consumer waits for room in a topic that only
    /// drains once the cycle moves, and the cycle only moves once the consumer's source drains. The runner
    /// stores these publishes past capacity instead (`Broker.publish(…, pastCapacity: true)`).
    public func feedbackTopics(of consumer: Consumer) -> Set<String> {
        var writes: [String: Set<String>] = [:]
        for reader in consumers {
            writes[reader.from, default: []].formUnion(reader.emitTargets + (reader.deadLetter.map { [$0] } ?? []))
        }
        let targets = Set(consumer.emitTargets + (consumer.deadLetter.map { [$0] } ?? []))
        return targets.filter { target in
            var seen: Set<String> = [target]
            var frontier = [target]
            while let topic = frontier.popLast() {
                if topic == consumer.from { return true }
                for next in writes[topic, default: []] where seen.insert(next).inserted { frontier.append(next) }
            }
            return false
        }
    }
}
