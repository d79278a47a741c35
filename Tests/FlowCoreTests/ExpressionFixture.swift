import Foundation
import Testing

@testable import FlowCore

/// The fixed event and helpers the expression test suites share.
enum ExpressionFixture {
    static let event = CloudEvent(
        id: "evt-1",
        source: "/checkout",
        type: "OrderCreated",
        subject: "order-42",
        time: "2024-05-01T12:00:00Z",
        data: [
            "amount": 120.5,
            "count": 3,
            "customer": ["id": 7, "name": "Ada Lovelace", "email": "ada@example.com"],
            "items": [["sku": "A1", "qty": 2], ["sku": "B2", "qty": 1]],
            "tags": ["new", "vip"],
            "note": nil,
            "odd key": "spaced",
        ],
        extensions: ["region": "eu", "priority": 3]
    )

    /// 2024-05-01T12:00:00.250Z
    static let now = Date(timeIntervalSince1970: 1_714_564_800.25)

    static func context(seed: UInt64 = 42, event: CloudEvent? = event, seq: Int = 5) -> EvaluationContext {
        EvaluationContext(event: event, attempt: 2, seq: seq, random: SeededRandom(seed: seed), now: now)
    }

    static func evaluate(
        _ source: String,
        scope: ExpressionScope = .consumer,
        environment: [String: String] = [:]
    ) throws -> Value {
        var context = context()
        return try Expression.parse(source, scope: scope, environment: environment).evaluate(&context)
    }

    /// The error `Expression.parse` throws, or nil when it parses.
    static func parseError(
        _ source: String,
        scope: ExpressionScope = .consumer,
        environment: [String: String] = [:]
    ) -> ExpressionError? {
        do {
            _ = try Expression.parse(source, scope: scope, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    /// The error evaluation throws, or nil when it succeeds.
    static func evaluationError(_ source: String) throws -> EvaluationError? {
        var context = context()
        let expression = try Expression.parse(source, scope: .consumer)
        do {
            _ = try expression.evaluate(&context)
            return nil
        } catch {
            return error
        }
    }
}

/// One expected load-time error: the rule, message, 0-based offset and hint must all match.
struct ExpectedError: Sendable, CustomTestStringConvertible {
    var source: String
    var rule: Rule
    var message: String
    var offset: Int
    var hint: String?
    var scope: ExpressionScope = .consumer

    var testDescription: String { source }

    init(
        _ source: String,
        _ rule: Rule,
        _ message: String,
        at offset: Int,
        hint: String? = nil,
        scope: ExpressionScope = .consumer
    ) {
        self.source = source
        self.rule = rule
        self.message = message
        self.offset = offset
        self.hint = hint
        self.scope = scope
    }
}
