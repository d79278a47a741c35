extension Pipeline.Consumer {
    /// Topics the consumer's own steps name: `emit` steps, `route` cases' `to:` shorthand and emits nested in
    /// cases, in step order, repeats included. Handlers (`exec`, `http`, `swift`) may emit elsewhere too; those
    /// targets are only known when they run.
    public var emitTargets: [String] {
        Self.emitTargets(of: steps)
    }

    /// `emitTargets` and the dead-letter topic: every topic the consumer's own settings publish to.
    public var writtenTopics: [String] {
        emitTargets + (deadLetter.map { [$0] } ?? [])
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
    /// The topics `consumer` writes (its `emitTargets` and dead-letter topic) through which it closes a cycle
    /// back to its own source: the publishes the runner stores past capacity.
    ///
    /// With bounded topics a cycle can stall for good: each consumer on it waits for room that only the next
    /// one can make. Exempting one edge of every cycle from waiting is enough to prevent that, and keeping all
    /// the others bounded keeps the cycle's memory bounded. The exempt edges are the back edges of a depth-first
    /// walk over the topics (an edge from topic S to topic T when a consumer reading S writes T), starting from
    /// the producers' topics, then every topic, in declaration order: removing them leaves no cycle. A
    /// consumer that writes its own source always closes a cycle.
    public func feedbackTopics(of consumer: Consumer) -> Set<String> {
        feedbackTopics()[consumer.name] ?? []
    }

    /// `feedbackTopics(of:)` for every consumer at once, by consumer name (one walk for the whole pipeline).
    public func feedbackTopics() -> [String: Set<String>] {
        var writes: [String: [String]] = [:]
        for reader in consumers {
            for target in reader.writtenTopics where !writes[reader.from, default: []].contains(target) {
                writes[reader.from, default: []].append(target)
            }
        }
        var onPath: Set<String> = []
        var done: Set<String> = []
        var backEdges: Set<[String]> = []
        func walk(_ topic: String) {
            onPath.insert(topic)
            for next in writes[topic, default: []] {
                if onPath.contains(next) {
                    backEdges.insert([topic, next])
                } else if !done.contains(next) {
                    walk(next)
                }
            }
            onPath.remove(topic)
            done.insert(topic)
        }
        for root in producers.map(\.to) + topics.map(\.name) + consumers.map(\.from) where !done.contains(root) {
            walk(root)
        }
        var feedback: [String: Set<String>] = [:]
        for consumer in consumers {
            feedback[consumer.name] = Set(consumer.writtenTopics.filter { backEdges.contains([consumer.from, $0]) })
        }
        return feedback
    }
}
