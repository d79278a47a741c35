import FlowCore
import Foundation

/// Computes record keys from the topics' `key:` expressions; producers and `emit` steps both use it, so an
/// event gets the same key whichever way it reaches a topic.
///
/// Invariant: key expressions are deterministic (the loader rejects `random_*`, `uuid()` and `now()` in them),
/// so the same event always yields the same key and lands in the same partition.
public struct TopicKeys: Sendable {
    private let expressions: [String: FlowCore.Expression]
    /// Every declared topic, so handlers can refuse events bound for a topic that does not exist.
    public let declared: Set<String>

    public init(_ topics: [Pipeline.Topic]) {
        var expressions: [String: FlowCore.Expression] = [:]
        for topic in topics {
            if let key = topic.key { expressions[topic.name] = key }
        }
        self.expressions = expressions
        declared = Set(topics.map(\.name))
    }

    /// The first of `topics` that is not declared, if any.
    public func firstUndeclared(_ topics: some Sequence<String>) -> String? {
        topics.first { !declared.contains($0) }
    }

    /// The key of `event` on `topic`: nil when the topic declares no key or the key evaluates to null
    /// (such events are spread round-robin and have no order among themselves).
    public func key(for event: CloudEvent, on topic: String) throws(EvaluationError) -> String? {
        guard let expression = expressions[topic] else { return nil }
        return try Self.key(of: expression, for: event)
    }

    /// The key an explicit expression (an `emit` step's `key:`) gives `event`.
    public static func key(of expression: FlowCore.Expression, for event: CloudEvent) throws(EvaluationError) -> String?
    {
        var context = EvaluationContext(
            event: event,
            random: SeededRandom(seed: 0),
            now: Date(timeIntervalSince1970: 0)
        )
        let value = try expression.evaluate(&context)
        return value == .null ? nil : value.description
    }
}
