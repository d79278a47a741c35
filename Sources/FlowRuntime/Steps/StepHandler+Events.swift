import FlowCore

extension StepHandler {
    /// The value of a YAML value tree: template leaves rendered with their type, containers recursively.
    static func render(
        _ template: Pipeline.ValueTemplate,
        _ context: inout EvaluationContext
    ) throws(EvaluationError) -> Value {
        switch template {
        case .literal(let value):
            return value
        case .template(let template):
            return try template.render(&context)
        case .array(let items):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try render(item, &context)) }
            return .array(values)
        case .object(let fields):
            var values: [String: Value] = [:]
            values.reserveCapacity(fields.count)
            for (key, field) in fields { values[key] = try render(field, &context) }
            return .object(values)
        }
    }

    /// Stores `value` at a `set` target: `data`, `data.<path>`, `type`, `subject` or `ext.<name>`.
    ///
    /// `type` takes a scalar's text (null and empty text are errors); `subject` becomes absent for null;
    /// an extension is removed for null. Lists and maps are only valid under `data`.
    static func assign(_ value: Value, to target: [String], in event: inout CloudEvent) throws(EvaluationError) {
        switch target.first {
        case "data" where target.count == 1:
            event.data = value
        case "data":
            event.data = event.data.setting(value, at: target[1...])
        case "type":
            guard let text = try scalarText(value, for: "type"), !text.isEmpty else {
                throw EvaluationError("type must be a non-empty string, got \(value == .null ? "null" : "\"\"")")
            }
            event.type = text
        case "subject":
            event.subject = try scalarText(value, for: "subject")
        case "ext" where target.count == 2:
            if value == .null {
                event.extensions[target[1]] = nil
            } else {
                _ = try scalarText(value, for: "extension \"\(target[1])\"")
                event.extensions[target[1]] = value
            }
        default:
            throw EvaluationError("cannot set \"\(target.joined(separator: "."))\"")
        }
    }

    /// A scalar's text (strings bare, numbers and booleans as JSON); nil for null; lists and maps are errors.
    private static func scalarText(_ value: Value, for target: String) throws(EvaluationError) -> String? {
        switch value {
        case .null: return nil
        case .array, .object: throw EvaluationError("\(target) must be a scalar, got \(value.typeName)")
        default: return value.description
        }
    }

    /// Appends the event an `emit` step (or a route case's `to`) derives from the current one.
    func emit(_ emit: Step.Emit, _ run: inout StepRun) throws(EvaluationError) {
        var type: String?
        if let template = emit.type {
            let text = try template.renderString(&run.context)
            guard !text.isEmpty else { throw EvaluationError("type \"\(template.source)\" rendered empty") }
            type = text
        }
        var data: Value?
        if let template = emit.data { data = try Self.render(template, &run.context) }
        var key: String??
        if let expression = emit.key { key = .some(Self.keyText(try expression.evaluate(&run.context))) }
        try append(to: emit.to, type: type, data: data, key: key, &run)
    }

    /// Appends a new event derived from the current one: a fresh id from the run's stream, `source`
    /// `flow/<consumer>`, `time` now; `type` and `data` when given, else the current ones; subject, content type
    /// and extensions copied. `key` is `.some` for an explicit key (nil inside meaning round-robin), else the
    /// target topic's key of the new event.
    func append(
        to topic: String,
        type: String?,
        data: Value?,
        key: String??,
        _ run: inout StepRun
    ) throws(EvaluationError) {
        var event = run.event
        event.id = run.context.random.uuid()
        event.source = source
        if let type { event.type = type }
        if let data { event.data = data }
        event.time = Timestamp.rfc3339(run.context.now)
        let resolved: String?
        if let key {
            resolved = key
        } else {
            resolved = try topicKeys.key(for: event, on: topic)
        }
        run.emitted.append(EmittedEvent(topic: topic, key: resolved, event: event))
    }

    /// A key value as text; null means no key (round-robin).
    private static func keyText(_ value: Value) -> String? {
        value == .null ? nil : value.description
    }

    /// Applies a handler's reply (an exec step's output, an http step's response) and proceeds: new data when
    /// given, then its emissions in order. Returns the result instead when the invocation ends here: an
    /// emission to an undeclared topic is a permanent failure, since the same reply would fail the same way.
    func apply(
        _ reply: (data: Value?, emissions: [ExecOutcome.Emission]),
        from source: String,
        label: String,
        _ run: StepRun,
        _ completion: @escaping @Sendable (HandlerResult) -> Void
    ) -> HandlerResult? {
        guard var run = resumable(run, completion) else { return nil }
        if let topic = topicKeys.firstUndeclared(reply.emissions.map(\.topic)) {
            return .failure(message: "\(label): \(source) emits to undeclared topic \"\(topic)\"", permanent: true)
        }
        do throws(EvaluationError) {
            if let data = reply.data { run.context.event?.data = data }
            for emission in reply.emissions {
                try append(to: emission.topic, type: emission.type, data: emission.data, key: emission.key, &run)
            }
        } catch {
            return .failure(message: "expression failed in \(label): \(error.message)", permanent: true)
        }
        proceed(run, completion)
        return nil
    }
}
