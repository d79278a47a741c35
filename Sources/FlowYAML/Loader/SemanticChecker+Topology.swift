import FlowCore

/// Delivery analysis of where events go: emits that loop forever, filters that cannot depend on the event,
/// topics read but never written.
extension SemanticChecker {
    /// Cycles of unconditional emits: every event that enters one comes back forever. Reported once per cycle,
    /// at the emit of the first consumer (in file order) on it.
    func emitCycles() -> [Diagnostic] {
        var edges: [String: [String]] = [:]
        var emits: [(Pipeline.Consumer, Step, String)] = []
        for consumer in pipeline.consumers where consumer.filter == nil {
            for (step, target) in Self.unconditionalEmits(consumer.steps) {
                edges[consumer.from, default: []].append(target)
                emits.append((consumer, step, target))
            }
        }
        var reported: Set<Set<String>> = []
        return emits.compactMap { consumer, step, target in
            guard let path = Self.path(from: target, to: consumer.from, edges: edges),
                reported.insert(Set(path)).inserted
            else { return nil }
            return .warning(
                .emitCycle,
                "consumer \"\(consumer.name)\" emits every event to \"\(target)\" and nothing stops the loop: "
                    + ([consumer.from] + path).joined(separator: " → ") + ", so every event comes back forever",
                at: step.location,
                length: "emit".count,
                hint: "end the loop on some consumer of it: a filter, a route case with when, or a drop with when"
            )
        }
    }

    /// The emits every event reaches: top-level `emit` steps (and those of a route whose only case has no
    /// `when`) before any step that may stop or fail it (`filter`, `drop`, `fail`, a conditional `route`).
    static func unconditionalEmits(_ steps: [Step]) -> [(Step, String)] {
        reachedEmits(steps).emits
    }

    /// `unconditionalEmits`, and whether a step that may stop the event was met (the rest is not reached).
    private static func reachedEmits(_ steps: [Step]) -> (emits: [(Step, String)], stopped: Bool) {
        var found: [(Step, String)] = []
        for step in steps {
            switch step.kind {
            case .emit(let emit):
                found.append((step, emit.to))
            case .route(let cases) where cases.count == 1 && cases[0].when == nil:
                if let to = cases[0].to { found.append((step, to)) }
                let inner = reachedEmits(cases[0].steps)
                found += inner.emits
                if inner.stopped { return (found, true) }
            case .filter, .drop, .fail, .route:
                return (found, true)
            default:
                continue
            }
        }
        return (found, false)
    }

    /// Consumer `filter:`s and `filter` steps whose value is fixed at load time. One that reads `env.NAME` is a
    /// switch set per run, not a mistake, and is left alone.
    func constantFilters() -> [Diagnostic] {
        pipeline.consumers.flatMap { consumer -> [Diagnostic] in
            var found: [(Expression, SourceLocation)] = []
            if let filter = consumer.filter { found.append((filter, location(of: "filter", in: consumer))) }
            for step in Self.allSteps(consumer.steps) {
                if case .filter(let condition) = step.kind { found.append((condition, step.location)) }
            }
            return found.compactMap { expression, location in
                guard case .bool(let holds) = expression.constantValue, !expression.source.contains("env.")
                else { return nil }
                return .warning(
                    .constantFilter,
                    "the filter \"\(expression.source)\" of consumer \"\(consumer.name)\" reads nothing of the event: "
                        + (holds ? "it is always true and has no effect" : "it is always false and drops every event"),
                    at: location,
                    length: "filter".count,
                    hint: holds
                        ? "remove it, or test the event (data, type, subject, attempt)"
                        : "test the event (data, type, subject, attempt); to stop the consumer, remove it"
                )
            }
        }
    }

    /// Topics a consumer reads that no producer, emit or dead letter of this file writes. Only for a file that
    /// has producers (one without is fed from outside: another process, `flow test`), and skipped when some
    /// `exec`, `http` or `swift` step exists: handlers may emit to any topic.
    func topicsNeverWritten() -> [Diagnostic] {
        let handlers = pipeline.consumers.contains { consumer in
            Self.allSteps(consumer.steps).contains { step in
                switch step.kind {
                case .exec, .http, .swift: true
                default: false
                }
            }
        }
        guard !handlers, !pipeline.producers.isEmpty else { return [] }
        let written = Set(
            pipeline.producers.flatMap { [$0.to] + ($0.deadLetter.map { [$0] } ?? []) }
                + pipeline.consumers.flatMap(\.writtenTopics)
        )
        let declared = Set(pipeline.topics.map(\.name))
        return references.filter { reference in
            reference.role == .consumerFrom && declared.contains(reference.topic) && !written.contains(reference.topic)
        }.map { reference in
            .warning(
                .topicNeverWritten,
                "consumer \"\(reference.owner)\" reads topic \"\(reference.topic)\", which nothing in the pipeline "
                    + "writes: no producer, emit or dead letter targets it",
                at: reference.location,
                length: reference.topic.count,
                hint: pipeline.broker.isDurable
                    ? "add a producer or an emit to \"\(reference.topic)\", unless another process writes it"
                    : "add a producer or an emit to \"\(reference.topic)\"; on the memory broker nothing else can"
            )
        }
    }
}
