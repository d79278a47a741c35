import FlowCore

extension PipelineDecoder {
    /// The `faults:` list, each resolved against the consumers already decoded; a fault naming no consumer or
    /// no single step of it, or with a rate outside (0, 1], is reported (rule `invalid-value`) and left out.
    mutating func decodeFaults(_ node: Node?, consumers: [Pipeline.Consumer]) -> [Pipeline.Fault] {
        var faults: [Pipeline.Fault] = []
        for item in node?.sequence ?? [] {
            if let fault = decodeFault(item, consumers: consumers) { faults.append(fault) }
        }
        return faults
    }

    private mutating func decodeFault(_ node: Node, consumers: [Pipeline.Consumer]) -> Pipeline.Fault? {
        guard let consumerNode = node.value(forKey: "consumer"), let name = try? reader.text(consumerNode).get(),
            let stepNode = node.value(forKey: "step"), let step = ScalarReader.rawText(stepNode)
        else { return nil }
        guard let consumer = consumers.first(where: { $0.name == name }) else {
            let names = consumers.map(\.name)
            diagnostics.append(
                .error(
                    .invalidValue,
                    "fault names no consumer \"\(name)\"",
                    at: consumerNode.location,
                    length: name.count,
                    hint: Suggestion.hint(for: name, in: names) ?? "the consumers are: " + names.joined(separator: ", ")
                )
            )
            return nil
        }
        let label: String
        switch consumer.stepLabel(step) {
        case .success(let found): label = found
        case .failure(let problem):
            let hint: String
            switch problem {
            case .none(let steps, let suggestion):
                hint = suggestion.map { "did you mean \"\($0)\"?" } ?? "its steps are: " + steps.joined(separator: ", ")
            case .ambiguous(let numbers):
                hint = "name one by its number: " + numbers.joined(separator: ", ")
            }
            diagnostics.append(
                .error(
                    .invalidValue,
                    "consumer \"\(name)\" has no single step \"\(step)\" for this fault",
                    at: stepNode.location,
                    length: step.count,
                    hint: hint
                )
            )
            return nil
        }
        let rateNode = node.value(forKey: "rate")
        let rate = rateNode?.scalarValue?.number ?? 1
        if let rateNode, !(rate > 0 && rate <= 1) {
            diagnostics.append(
                .error(
                    .invalidValue,
                    "a fault's \"rate\" is a probability above 0 and at most 1, found \(rate)",
                    at: rateNode.location,
                    length: ScalarReader.rawText(rateNode)?.count ?? 1,
                    hint: "write 0.2 for one call in five, 1 for every call"
                )
            )
            return nil
        }
        guard let effect = decodeEffect(node) else { return nil }
        let when = node.value(forKey: "when").flatMap { try? reader.expression($0, scope: .consumer).get() }
        return Pipeline.Fault(
            consumer: name,
            step: label,
            effect: effect,
            rate: rate,
            when: when,
            location: node.location
        )
    }

    private func decodeEffect(_ node: Node) -> Pipeline.Fault.Effect? {
        if let message = node.value(forKey: "error").flatMap({ try? reader.text($0).get() }) {
            let permanent = node.value(forKey: "permanent").flatMap { try? reader.boolean($0).get() } ?? false
            return .error(message, permanent: permanent)
        }
        if let latency = node.value(forKey: "latency").flatMap({ try? reader.duration($0, key: "latency").get() }) {
            return .latency(latency)
        }
        if case .int(let status)? = node.value(forKey: "status")?.scalarValue { return .status(status) }
        return nil
    }
}
