// STUB: replaced by the expression-language implementation. Public API is the contract.
import Foundation

/// Which names an expression may use; checked at load time.
public enum ExpressionScope: Sendable, Hashable {
    /// Producer templates: functions (`uuid()`, `seq()`, `now()`, `random_*`), `env.*`; no event fields.
    case producer
    /// Consumer filters, steps and templates: event attributes, `data.*`, extensions, `attempt`, functions.
    case consumer
    /// Topic partition keys: event attributes and pure functions only (a key must be deterministic).
    case partitionKey
}

/// A load-time error inside an expression or template, positioned relative to the start of its text.
public struct ExpressionError: Error, Sendable, Hashable {
    public var rule: Rule
    public var message: String
    /// 0-based offset in Unicode scalars from the start of the expression/template text.
    public var offset: Int
    public var length: Int
    public var hint: String?

    public init(rule: Rule, message: String, offset: Int, length: Int = 1, hint: String? = nil) {
        self.rule = rule
        self.message = message
        self.offset = offset
        self.length = length
        self.hint = hint
    }
}

/// A run-time evaluation failure (e.g. `int("x")`); steps turn it into a failed attempt.
public struct EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What an expression reads while evaluating. A value type: callers keep one per worker and mutate
/// `random` through `inout` evaluation, so runs under a seed are repeatable.
public struct EvaluationContext: Sendable {
    public var event: CloudEvent?
    /// 1 on the first attempt.
    public var attempt: Int
    /// The producer's running number, from 1.
    public var seq: Int
    public var random: SeededRandom
    /// What `now()` returns.
    public var now: Date

    public init(event: CloudEvent? = nil, attempt: Int = 1, seq: Int = 0, random: SeededRandom, now: Date = Date()) {
        self.event = event
        self.attempt = attempt
        self.seq = seq
        self.random = random
        self.now = now
    }
}

/// A parsed, checked expression.
public struct Expression: Sendable {
    public let source: String

    public static func parse(
        _ source: String,
        scope: ExpressionScope,
        environment: [String: String] = [:]
    ) throws(ExpressionError) -> Expression {
        Expression(source: source)
    }

    public func evaluate(_ context: inout EvaluationContext) throws(EvaluationError) -> Value {
        throw EvaluationError("not implemented")
    }
}

/// A string with `${...}` holes; exactly one hole and nothing else keeps the value's type.
public struct Template: Sendable {
    public let source: String

    public static func parse(
        _ text: String,
        scope: ExpressionScope,
        environment: [String: String] = [:]
    ) throws(ExpressionError) -> Template {
        Template(source: text)
    }

    public func render(_ context: inout EvaluationContext) throws(EvaluationError) -> Value {
        .string(source)
    }
}
