import ArgumentParser
import FlowCore

/// A `--where EXPR` option: an expression in consumer scope (as a consumer's `when:`), parsed and checked
/// once, true for the events to keep.
///
/// Invariant: an event for which the expression fails to evaluate is not kept.
struct EventFilter: Sendable {
    let expression: FlowCore.Expression

    /// The transform for `@Option`: a parse error is a usage error naming the character.
    static func parse(_ text: String) throws -> EventFilter {
        do {
            return EventFilter(expression: try FlowCore.Expression.parse(text, scope: .consumer))
        } catch {
            throw ValidationError("--where: \(error.message) (at character \(error.offset + 1))")
        }
    }

    func matches(_ event: CloudEvent) -> Bool {
        var context = EvaluationContext(event: event, random: SeededRandom(seed: 0))
        return (try? expression.evaluate(&context)) == .bool(true)
    }
}
