import FlowCore

/// Checks what a test names against its loaded pipeline: mock keys resolve to exactly one step
/// (`CONSUMER.KIND` when the consumer has one step of that kind, `CONSUMER.NUMBER` always), and every
/// consumer and topic exists; each miss is a diagnostic at the name with a did-you-mean hint.
struct TestReferenceChecker {
    let pipeline: Pipeline
    private(set) var diagnostics: [Diagnostic] = []

    init(pipeline: Pipeline) {
        self.pipeline = pipeline
    }

    /// The mocks of `nodes`, each resolved to its step's label; unresolved ones are reported and left out.
    mutating func resolve(_ nodes: [(key: Node, outcomes: [StepMock.Outcome])]) -> [StepMock] {
        var mocks: [StepMock] = []
        for (key, outcomes) in nodes {
            guard let text = key.scalar?.text, !outcomes.isEmpty else { continue }
            if let mock = resolve(text, at: key, outcomes: outcomes) { mocks.append(mock) }
        }
        return mocks
    }

    private mutating func resolve(_ key: String, at node: Node, outcomes: [StepMock.Outcome]) -> StepMock? {
        let names = pipeline.consumers.map(\.name)
        // Consumer names may contain dots: the longest consumer name followed by "." wins.
        guard
            let consumer = pipeline.consumers.filter({ key.hasPrefix($0.name + ".") })
                .max(by: { $0.name.count < $1.name.count })
        else {
            let guess = String(key.split(separator: ".").first ?? "")
            report(
                "mock \"\(key)\" names no consumer of the pipeline",
                at: node,
                hint: Suggestion.hint(for: guess, in: names).map { "\($0) (write CONSUMER.KIND or CONSUMER.NUMBER)" }
                    ?? "write CONSUMER.KIND or CONSUMER.NUMBER; the consumers are: " + names.joined(separator: ", ")
            )
            return nil
        }
        let step = String(key.dropFirst(consumer.name.count + 1))
        switch consumer.stepLabel(step) {
        case .success(let label):
            return StepMock(consumer: consumer.name, step: label, outcomes: outcomes)
        case .failure(.none(let steps, let suggestion)):
            report(
                "consumer \"\(consumer.name)\" has no step \"\(step)\"",
                at: node,
                hint: suggestion.map { "did you mean \"\(consumer.name).\($0)\"?" }
                    ?? "its steps are: " + steps.map { "\(consumer.name).\($0)" }.joined(separator: ", ")
            )
        case .failure(.ambiguous(let numbers)):
            report(
                "consumer \"\(consumer.name)\" has \(numbers.count) \(step) steps: \"\(key)\" could be any of them",
                at: node,
                hint: "name one by its number: " + numbers.map { "\(consumer.name).\($0)" }.joined(separator: ", ")
            )
        }
        return nil
    }

    /// Reports consumers and topics `test` names that the pipeline lacks, and `swift:` steps it does not mock
    /// (only a Swift program can call those).
    mutating func check(_ test: PipelineTest, nodes: [TestFileDecoder.Reference]) {
        let mocked = Set(test.mocks.map { "\($0.consumer)/\($0.step)" })
        for consumer in pipeline.consumers {
            for step in Step.numbered(consumer.steps) where !mocked.contains("\(consumer.name)/\(step.label)") {
                guard case .swift(let name) = step.step.kind else { continue }
                diagnostics.append(
                    .error(
                        .testReference,
                        "test \"\(test.name)\" does not mock the swift step \(consumer.name).\(step.number) (handler \"\(name)\")",
                        at: test.location,
                        hint:
                            "flow test cannot call Swift handlers: mock it, e.g. \(consumer.name).\(step.number): [ { ok: {} } ]"
                    )
                )
            }
        }
        let consumers = pipeline.consumers.map(\.name)
        let topics = pipeline.topics.map(\.name)
        for reference in nodes {
            switch reference.kind {
            case .consumer where !consumers.contains(reference.name):
                report(
                    "the pipeline has no consumer \"\(reference.name)\"",
                    at: reference.node,
                    hint: Suggestion.hint(for: reference.name, in: consumers)
                        ?? "its consumers are: " + consumers.joined(separator: ", ")
                )
            case .topic where !topics.contains(reference.name):
                diagnostics.append(
                    .error(
                        .undeclaredTopic,
                        "topic \"\(reference.name)\" is not declared in the pipeline",
                        at: reference.node.location,
                        length: reference.name.count,
                        hint: Suggestion.hint(for: reference.name, in: topics)
                            ?? "its topics are: " + topics.joined(separator: ", ")
                    )
                )
            default:
                break
            }
        }
    }

    private mutating func report(_ message: String, at node: Node, hint: String) {
        let length = node.scalar?.text.count ?? 1
        diagnostics.append(.error(.testReference, message, at: node.location, length: length, hint: hint))
    }
}
