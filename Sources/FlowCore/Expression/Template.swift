/// A string with `${...}` holes; exactly one hole and nothing else keeps the value's type.
///
/// Invariant: holes are checked expressions for the template's scope; `$${` stands for a literal `${` and
/// `${env.NAME:-fallback}` was replaced at parse time. Adjacent text and constant holes are pre-joined.
public struct Template: Sendable {
    /// One piece of a template: literal text or an expression hole.
    enum Segment: Sendable {
        case text(String)
        case hole(Node)
    }

    /// The text as written.
    public let source: String
    /// True when the text is exactly one `${...}` hole, so rendering keeps the value's type.
    public let isSingleExpression: Bool
    /// The rendered value when no hole depends on run-time data (event, clock, random, counter), else nil.
    public let constantValue: Value?
    let segments: [Segment]

    init(source: String, segments: [Segment], isSingleExpression: Bool) {
        self.source = source
        self.isSingleExpression = isSingleExpression
        if isSingleExpression, case .hole(.constant(let value)) = segments.first {
            self.segments = [.text(value.description)]
            self.constantValue = value
            return
        }
        var joined: [Segment] = []
        for segment in segments {
            let text: String? =
                switch segment {
                case .text(let text): text
                case .hole(.constant(let value)) where !isSingleExpression: value.description
                case .hole: nil
                }
            if let text, case .text(let previous) = joined.last {
                joined[joined.count - 1] = .text(previous + text)
            } else {
                joined.append(text.map(Segment.text) ?? segment)
            }
        }
        self.segments = joined
        switch joined.first {
        case nil: constantValue = .string("")
        case .text(let text) where joined.count == 1: constantValue = .string(text)
        default: constantValue = .none
        }
    }

    /// Parses `text`, checking every hole for `scope`; error offsets are relative to the whole text.
    public static func parse(
        _ text: String,
        scope: ExpressionScope,
        environment: [String: String] = [:]
    ) throws(ExpressionError) -> Template {
        try TemplateScanner(text: text, checker: Checker(scope: scope, environment: environment)).template()
    }

    /// The value: the hole's own value (any type) for a single-hole template, else the text with each hole
    /// rendered by `Value.description` (strings bare, everything else as JSON).
    public func render(_ context: inout EvaluationContext) throws(EvaluationError) -> Value {
        if let constantValue { return constantValue }
        if isSingleExpression, case .hole(let node) = segments.first { return try node.evaluate(&context) }
        return .string(try renderString(&context))
    }

    /// The rendered text, also for a single-hole template (its value's `description`).
    public func renderString(_ context: inout EvaluationContext) throws(EvaluationError) -> String {
        var output = ""
        for segment in segments {
            switch segment {
            case .text(let text): output += text
            case .hole(let node): output += try node.evaluate(&context).description
            }
        }
        return output
    }
}
