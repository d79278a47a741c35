import FlowCore

extension PipelineDecoder {
    mutating func decodeConsumer(_ name: String, _ node: Node, at location: SourceLocation) -> Pipeline.Consumer? {
        let from = reference(node.value(forKey: "from"), role: .consumerFrom, owner: name)
        for pair in node.mapping ?? [] {
            if let key = pair.key.scalar?.text { consumerKeys[name, default: [:]][key] = pair.key.location }
        }
        let deadLetter = reference(node.value(forKey: "dead_letter"), role: .consumerDeadLetter, owner: name)
        let steps = decodeSteps(node.value(forKey: "steps"), owner: name)
        guard let from else { return nil }
        var consumer = Pipeline.Consumer(name: name, from: from, steps: steps, location: location)
        consumer.deadLetter = deadLetter
        if let group = node.value(forKey: "group").flatMap({ try? reader.text($0).get() }) {
            consumer.group = group
        }
        if let concurrency = node.value(forKey: "concurrency") {
            consumer.concurrency = (try? reader.integer(concurrency, key: "", in: 1...10_000).get()) ?? 1
        }
        consumer.filter = node.value(forKey: "filter").flatMap { try? reader.expression($0, scope: .consumer).get() }
        if let timeout = node.value(forKey: "timeout") {
            consumer.timeout = positiveDuration(
                timeout,
                rule: .timeoutInvalid,
                what: "\"timeout\" of consumer \"\(name)\""
            )
        }
        if let retry = node.value(forKey: "retry") {
            consumer.retry = decodeRetry(retry, consumer: name)
        }
        if let breaker = node.value(forKey: "circuit_breaker") {
            consumer.circuitBreaker = decodeBreaker(breaker, consumer: name)
        }
        return consumer
    }

    /// A duration that must be above zero; zero is reported under `rule`.
    mutating func positiveDuration(_ node: Node, rule: Rule, what: String) -> Duration? {
        guard let duration = try? reader.duration(node, key: "").get() else { return nil }
        guard duration > .zero else {
            diagnostics.append(
                .error(
                    rule,
                    "\(what) must be positive, found \(ScalarReader.rawText(node) ?? "0")",
                    at: node.location,
                    length: ScalarReader.rawText(node)?.count ?? 1,
                    hint: "use a duration above zero, such as 2s"
                )
            )
            return nil
        }
        return duration
    }

    private mutating func decodeRetry(_ node: Node, consumer: String) -> RetryPolicy {
        var policy = RetryPolicy(maxAttempts: 3)
        if let attempts = node.value(forKey: "max_attempts") {
            policy.maxAttempts = (try? reader.integer(attempts, key: "", in: 1...1_000_000).get()) ?? 1
        }
        if let backoff = node.value(forKey: "backoff").flatMap(ScalarReader.rawText) {
            policy.backoff = RetryPolicy.Backoff(rawValue: backoff) ?? policy.backoff
        }
        if let jitter = node.value(forKey: "jitter").flatMap(ScalarReader.rawText) {
            policy.jitter = RetryPolicy.Jitter(rawValue: jitter) ?? policy.jitter
        }
        if let multiplier = node.value(forKey: "multiplier") {
            policy.multiplier = (try? reader.number(multiplier, key: "", min: 1).get()) ?? policy.multiplier
        }
        let initialNode = node.value(forKey: "initial")
        let maxNode = node.value(forKey: "max")
        if let initialNode, let initial = try? reader.duration(initialNode, key: "").get() { policy.initial = initial }
        if let maxNode, let max = try? reader.duration(maxNode, key: "").get() { policy.max = max }
        if policy.max < policy.initial, let at = maxNode ?? initialNode {
            diagnostics.append(
                .error(
                    .retryBounds,
                    "retry \"max\" (\(DurationText.format(policy.max))) of consumer \"\(consumer)\" is below "
                        + "\"initial\" (\(DurationText.format(policy.initial)))",
                    at: at.location,
                    length: ScalarReader.rawText(at)?.count ?? 1,
                    hint: "raise \"max\" to at least \(DurationText.format(policy.initial)) or lower \"initial\""
                )
            )
        }
        return policy
    }

    private mutating func decodeBreaker(_ node: Node, consumer: String) -> CircuitBreakerPolicy? {
        guard let failuresNode = node.value(forKey: "failures"), let openNode = node.value(forKey: "open_for"),
            let failures = try? reader.integer(failuresNode, key: "", in: 1...1_000_000).get(),
            let openFor = positiveDuration(
                openNode,
                rule: .breakerInvalid,
                what: "\"open_for\" of the circuit breaker of consumer \"\(consumer)\""
            )
        else { return nil }
        return CircuitBreakerPolicy(failures: failures, openFor: openFor)
    }
}
