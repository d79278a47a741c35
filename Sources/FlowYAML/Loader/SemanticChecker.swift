import FlowCore

/// Loading, pass 3: checks that need the whole file: topic references, dead-letter loops, unread topics,
/// delivery contradictions and delivery analysis.
struct SemanticChecker {
    let pipeline: Pipeline
    let references: [TopicReference]
    /// Per consumer, where each of its keys is written (`PipelineDecoder.consumerKeys`).
    let consumerKeys: [String: [String: SourceLocation]]

    func check() -> [Diagnostic] {
        undeclaredTopics() + deadLetterLoops() + unreadTopics() + retriesWithoutDeadLetter() + settingsWithoutEffect()
            + timeoutsBeforeDelays() + retrySchedules() + emitCycles() + constantFilters() + topicsNeverWritten()
    }

    /// Where `consumer` writes `key`, else where it is named.
    func location(of key: String, in consumer: Pipeline.Consumer) -> SourceLocation {
        consumerKeys[consumer.name]?[key] ?? consumer.location
    }

    private func undeclaredTopics() -> [Diagnostic] {
        let declared = pipeline.topics.map(\.name)
        let known = Set(declared)
        return references.filter { !known.contains($0.topic) }.map { reference in
            let message: String
            switch reference.role {
            case .producerTo: message = "producer \"\(reference.owner)\" writes undeclared topic"
            case .producerDeadLetter: message = "producer \"\(reference.owner)\" dead-letters to undeclared topic"
            case .consumerFrom: message = "consumer \"\(reference.owner)\" reads undeclared topic"
            case .consumerDeadLetter: message = "consumer \"\(reference.owner)\" dead-letters to undeclared topic"
            case .emit: message = "consumer \"\(reference.owner)\" emits to undeclared topic"
            }
            return .error(
                .undeclaredTopic,
                message + " \"\(reference.topic)\"",
                at: reference.location,
                length: reference.topic.count,
                hint: Suggestion.hint(for: reference.topic, in: declared)
                    ?? "declare it under topics: (\(reference.topic): {})"
            )
        }
    }

    /// A consumer whose dead letters land on its own source, or flow through other consumers' dead-letter
    /// topics back to it, would recycle a poison event forever.
    private func deadLetterLoops() -> [Diagnostic] {
        var edges: [String: [String]] = [:]
        for consumer in pipeline.consumers {
            if let target = consumer.deadLetter { edges[consumer.from, default: []].append(target) }
        }
        var diagnostics: [Diagnostic] = []
        for consumer in pipeline.consumers {
            guard let target = consumer.deadLetter,
                let location = references.first(where: {
                    $0.role == .consumerDeadLetter && $0.owner == consumer.name
                })?.location
            else { continue }
            if target == consumer.from {
                diagnostics.append(
                    .error(
                        .deadLetterSelf,
                        "consumer \"\(consumer.name)\" dead-letters to its own source topic \"\(target)\"",
                        at: location,
                        length: target.count,
                        hint: "use a separate topic such as \"\(target).dlq\""
                    )
                )
            } else if let path = Self.path(from: target, to: consumer.from, edges: edges) {
                diagnostics.append(
                    .error(
                        .deadLetterCycle,
                        "dead letters of consumer \"\(consumer.name)\" flow back to \"\(consumer.from)\": "
                            + ([consumer.from] + path).joined(separator: " → "),
                        at: location,
                        length: target.count,
                        hint: "end the chain in a dead-letter topic that no consumer dead-letters from"
                    )
                )
            }
        }
        return diagnostics
    }

    /// The topics after `start` on a dead-letter path from `start` to `goal` (both included), if one exists.
    static func path(from start: String, to goal: String, edges: [String: [String]]) -> [String]? {
        var previous: [String: String] = [:]
        var queue = [start]
        var seen: Set<String> = [start]
        while !queue.isEmpty {
            let topic = queue.removeFirst()
            if topic == goal {
                var path = [topic]
                while let before = previous[path[0]] { path.insert(before, at: 0) }
                return path
            }
            for next in edges[topic, default: []] where seen.insert(next).inserted {
                previous[next] = topic
                queue.append(next)
            }
        }
        return nil
    }

    private func unreadTopics() -> [Diagnostic] {
        let read = Set(references.filter { $0.role == .consumerFrom }.map(\.topic))
        let deadLetters = Set(
            references.filter { $0.role == .consumerDeadLetter || $0.role == .producerDeadLetter }.map(\.topic)
        )
        let written = Set(references.filter { $0.role == .producerTo || $0.role == .emit }.map(\.topic))
        return pipeline.topics.compactMap { topic in
            guard !read.contains(topic.name), !deadLetters.contains(topic.name) else { return nil }
            let written = written.contains(topic.name)
            return .warning(
                .unreadTopic,
                written
                    ? "topic \"\(topic.name)\" is written but no consumer reads it"
                    : "topic \"\(topic.name)\" is declared but never used",
                at: topic.location,
                length: topic.name.count,
                hint: written
                    ? "add a consumer with \"from: \(topic.name)\", or stop writing to it"
                    : "remove it, or add a producer and a consumer for it"
            )
        }
    }

    private func retriesWithoutDeadLetter() -> [Diagnostic] {
        pipeline.consumers.compactMap { consumer in
            guard consumer.retry.maxAttempts > 1, consumer.deadLetter == nil else { return nil }
            return .warning(
                .retryWithoutDeadLetter,
                "consumer \"\(consumer.name)\" retries up to \(consumer.retry.maxAttempts) attempts but has no "
                    + "dead-letter topic: an exhausted event fails the run",
                at: consumer.location,
                length: consumer.name.count,
                hint: "add \"dead_letter: \(consumer.from).dlq\" and declare that topic"
            )
        }
    }
}
