import FlowCore
import Foundation

/// Renders the events of a `generate:` producer from its template.
///
/// Invariant: everything random comes from one seeded stream drawn in a fixed order (the id, then source,
/// type, subject, extensions by name, data with object keys by name), so the same seed yields the same
/// events on every run and platform.
struct EventGenerator: Sendable {
    /// A data template with object members in name order and template-free subtrees folded to literals.
    private indirect enum DataNode: Sendable {
        case literal(Value)
        case template(Template)
        case array([DataNode])
        case object([(name: String, node: DataNode)])
    }

    private let template: Pipeline.EventTemplate
    private let defaultSource: String
    private let extensions: [(name: String, template: Template)]
    private let data: DataNode
    private var context: EvaluationContext
    private var lastTime: (date: Date, text: String)?

    /// A generator whose first event has `seq` `after + 1` (1 for a fresh start), drawing from
    /// `SeededRandom(seed: seed)`: a resumed generator passes the checkpoint's count and random position.
    init(template: Pipeline.EventTemplate, producer: String, seed: UInt64, after: Int = 0) {
        self.template = template
        defaultSource = "flow/\(producer)"
        extensions = template.extensions.keys.sorted().map { ($0, template.extensions[$0]!) }
        data = Self.compile(template.data)
        context = EvaluationContext(seq: after, random: SeededRandom(seed: seed))
    }

    /// The `seq` of the last event asked for (0 before the first).
    var seq: Int { context.seq }

    /// The next event, stamped `now`; a failed evaluation uses up its `seq` all the same.
    mutating func next(at now: Date) throws(EvaluationError) -> CloudEvent {
        context.seq += 1
        context.now = now
        let id = context.random.uuid()
        let source = try template.source?.renderString(&context) ?? defaultSource
        let type = try template.type.renderString(&context)
        let subject = try template.subject?.renderString(&context)
        var extensions: [String: Value] = [:]
        for (name, template) in self.extensions {
            let value = try template.render(&context)
            if value != .null { extensions[name] = value }
        }
        return CloudEvent(
            id: id,
            source: source,
            type: type,
            subject: subject,
            time: time(of: now),
            data: try render(data),
            extensions: extensions
        )
    }

    /// The stream events draw from; dead-letter envelope ids come from it too.
    var random: SeededRandom {
        get { context.random }
        set { context.random = newValue }
    }

    /// `now` as RFC 3339, formatted once per distinct instant (a batch shares one).
    private mutating func time(of now: Date) -> String {
        if let lastTime, lastTime.date == now { return lastTime.text }
        let text = DeadLetterEnvelope.rfc3339(now)
        lastTime = (now, text)
        return text
    }

    private mutating func render(_ node: DataNode) throws(EvaluationError) -> Value {
        switch node {
        case .literal(let value):
            return value
        case .template(let template):
            return try template.render(&context)
        case .array(let items):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try render(item)) }
            return .array(values)
        case .object(let members):
            var values: [String: Value] = [:]
            values.reserveCapacity(members.count)
            for member in members { values[member.name] = try render(member.node) }
            return .object(values)
        }
    }

    private static func compile(_ node: Pipeline.ValueTemplate) -> DataNode {
        switch node {
        case .literal(let value):
            return .literal(value)
        case .template(let template):
            return template.constantValue.map(DataNode.literal) ?? .template(template)
        case .array(let items):
            let nodes = items.map(compile)
            let values = nodes.compactMap { node -> Value? in
                if case .literal(let value) = node { return value }
                return nil
            }
            return values.count == nodes.count ? .literal(.array(values)) : .array(nodes)
        case .object(let fields):
            let members = fields.keys.sorted().map { (name: $0, node: compile(fields[$0]!)) }
            var values: [String: Value] = [:]
            for member in members {
                guard case .literal(let value) = member.node else { return .object(members) }
                values[member.name] = value
            }
            return .literal(.object(values))
        }
    }
}
