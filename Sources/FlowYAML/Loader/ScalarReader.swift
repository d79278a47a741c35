import FlowCore

/// Turns scalar nodes into typed values, or into the diagnostic explaining why not.
///
/// The validator and the decoder both read scalars only through this type, so `flow validate` and `flow run`
/// accept exactly the same text.
struct ScalarReader {
    var environment: [String: String]

    /// The scalar's text, or nil for a non-scalar or a null.
    static func rawText(_ node: Node) -> String? {
        guard let scalar = node.scalar, node.scalarValue != .null || scalar.style != .plain else { return nil }
        return scalar.text
    }

    /// Where character `offset` of the scalar's text sits in the file (quotes skipped; exact on one line).
    static func location(in node: Node, offset: Int) -> SourceLocation {
        switch node.scalar?.style {
        case .singleQuoted?, .doubleQuoted?: node.location.advanced(by: offset + 1)
        case .plain?: node.location.advanced(by: offset)
        default: node.location
        }
    }

    static func diagnostic(_ error: ExpressionError, in node: Node) -> Diagnostic {
        .error(
            error.rule,
            error.message,
            at: location(in: node, offset: error.offset),
            length: error.length,
            hint: error.hint
        )
    }

    func expression(_ node: Node, scope: ExpressionScope) -> Result<Expression, Diagnostic> {
        guard let text = Self.rawText(node) else { return .failure(wrongType(node, expected: "an expression")) }
        do {
            return .success(try Expression.parse(text, scope: scope, environment: environment))
        } catch {
            return .failure(Self.diagnostic(error, in: node))
        }
    }

    func template(_ node: Node, scope: ExpressionScope) -> Result<Template, Diagnostic> {
        guard let text = Self.rawText(node) else { return .failure(wrongType(node, expected: "a string")) }
        do {
            return .success(try Template.parse(text, scope: scope, environment: environment))
        } catch {
            return .failure(Self.diagnostic(error, in: node))
        }
    }

    /// Free text: `${env.NAME}` and `${env.NAME:-fallback}` are substituted; nothing else may be templated.
    func text(_ node: Node) -> Result<String, Diagnostic> {
        guard let text = Self.rawText(node) else { return .failure(wrongType(node, expected: "a string")) }
        guard text.contains("${") else { return .success(text) }
        switch template(node, scope: .producer) {
        case .failure(let diagnostic): return .failure(diagnostic)
        case .success(let template):
            guard let value = template.constantValue else {
                return .failure(
                    .error(
                        .expressionSyntax,
                        "only ${env.NAME} may be used in this string",
                        at: node.location,
                        length: text.count,
                        hint: "templates that depend on the event are allowed in steps and event templates only"
                    )
                )
            }
            return .success(value.description)
        }
    }

    func duration(_ node: Node, key: String) -> Result<Duration, Diagnostic> {
        guard let text = Self.rawText(node) else { return .failure(wrongType(node, expected: "a duration")) }
        guard let duration = DurationText.parse(text) else {
            return .failure(
                .error(
                    .invalidDuration,
                    "\"\(key)\" is not a duration: \"\(text)\"",
                    at: node.location,
                    length: text.count,
                    hint: "write a number and a unit: 250ms, 1.5s, 2m or 1h"
                )
            )
        }
        return .success(duration)
    }

    func rate(_ node: Node, key: String) -> Result<Rate, Diagnostic> {
        guard let text = Self.rawText(node) else { return .failure(wrongType(node, expected: "a rate")) }
        guard let rate = Rate.parse(text) else {
            return .failure(
                .error(
                    .invalidRate,
                    "\"\(key)\" is not a rate: \"\(text)\"",
                    at: node.location,
                    length: text.count,
                    hint: "write events per unit of time: 500/s, 30/m or 10/100ms"
                )
            )
        }
        return .success(rate)
    }

    func integer(_ node: Node, key: String, in range: ClosedRange<Int>) -> Result<Int, Diagnostic> {
        guard case .int(let value)? = node.scalarValue else {
            return .failure(wrongType(node, expected: "an integer"))
        }
        guard range.contains(value) else {
            let bounds =
                range.upperBound == Int.max
                ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
            return .failure(
                .error(
                    .invalidValue,
                    "\"\(key)\" must be \(bounds), found \(value)",
                    at: node.location,
                    length: node.scalar?.text.count ?? 1,
                    hint: "use a whole number \(bounds)"
                )
            )
        }
        return .success(value)
    }

    func number(_ node: Node, key: String, min: Double) -> Result<Double, Diagnostic> {
        guard let value = node.scalarValue?.number else { return .failure(wrongType(node, expected: "a number")) }
        guard value >= min else {
            return .failure(
                .error(
                    .invalidValue,
                    "\"\(key)\" must be at least \(min.formatted()), found \(value.formatted())",
                    at: node.location,
                    length: node.scalar?.text.count ?? 1,
                    hint: "use a number of at least \(min.formatted())"
                )
            )
        }
        return .success(value)
    }

    func boolean(_ node: Node) -> Result<Bool, Diagnostic> {
        guard case .bool(let value)? = node.scalarValue else {
            return .failure(wrongType(node, expected: "true or false"))
        }
        return .success(value)
    }

    func wrongType(_ node: Node, expected: String) -> Diagnostic {
        let found = node.kindName
        let article = found == "null" ? "" : (found.first.map { "aeiou".contains($0) } == true ? "an " : "a ")
        return .error(
            .wrongType,
            "expected \(expected), found \(found == "null" ? "nothing" : article + found)",
            at: node.location,
            length: node.scalar.map { max(1, $0.text.count) } ?? 1,
            hint: Self.shapeHint(expected)
        )
    }

    /// How to write a value of the expected shape.
    private static func shapeHint(_ expected: String) -> String {
        if expected.hasPrefix("a list") { return "write one item per line, each starting with \"- \"" }
        if expected.hasPrefix("a mapping") { return "write \"key: value\" lines indented below the key" }
        if expected == "an integer" { return "write a whole number such as 4" }
        if expected == "true or false" { return "write true or false (yes, no, on and off are strings)" }
        return "write \(expected)"
    }
}

extension Double {
    /// `2` for whole numbers, `1.5` otherwise: how numbers read in messages.
    fileprivate func formatted() -> String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
