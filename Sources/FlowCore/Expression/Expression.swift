/// A parsed, checked expression (CEL-like; see docs/expressions.md).
///
/// Invariant: it parsed and type-checked for its scope, so evaluation can fail only on run-time data
/// (`int(data.x)` with a non-number, an overflow, a division by zero).
public struct Expression: Sendable {
    /// The text as written.
    public let source: String
    /// The type the value is known to have before it runs; `.any` when it depends on event data.
    public let staticType: ExpressionType
    let node: Node

    /// Parses and checks `source`. `env.NAME` is replaced by `environment["NAME"]` here, not at run time.
    ///
    /// Throws the first problem found, positioned in Unicode scalars from the start of `source`.
    public static func parse(
        _ source: String,
        scope: ExpressionScope,
        environment: [String: String] = [:]
    ) throws(ExpressionError) -> Expression {
        let scalars = Array(source.unicodeScalars)
        let syntax = try Parser.parse(scalars, range: 0..<scalars.count)
        let typed = try Checker(scope: scope, environment: environment).check(syntax)
        return Expression(source: source, staticType: typed.type, node: typed.node)
    }

    /// The value for `context`; draws from `context.random` for `uuid()` and `random_*`.
    public func evaluate(_ context: inout EvaluationContext) throws(EvaluationError) -> Value {
        try node.evaluate(&context)
    }
}

extension Expression {
    /// The value every evaluation yields, when it depends on nothing at run time: no event attribute, `data`,
    /// extension or `attempt`, and no `uuid()`, `now()`, `seq()` or `random_*()` (the checker folded it
    /// whole). nil otherwise.
    public var constantValue: Value? {
        if case .constant(let value) = node { return value }
        return nil
    }
}
