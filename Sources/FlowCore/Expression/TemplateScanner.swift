/// Splits template text into literal text and `${...}` holes, and checks each hole's expression.
///
/// Invariant: a hole ends at the first `}` outside string literals and outside nested `{...}` map literals;
/// `${env.NAME:-fallback}` ends at the first `}` and its fallback is taken verbatim.
struct TemplateScanner {
    private let text: String
    private let scalars: [Unicode.Scalar]
    private let checker: Checker

    init(text: String, checker: Checker) {
        self.text = text
        self.scalars = Array(text.unicodeScalars)
        self.checker = checker
    }

    func template() throws(ExpressionError) -> Template {
        var segments: [Template.Segment] = []
        var literal = String.UnicodeScalarView()
        var position = 0
        while position < scalars.count {
            if scalars[position] == "$" && peek(position + 1) == "$" && peek(position + 2) == "{" {
                literal.append(contentsOf: "${".unicodeScalars)
                position += 3
            } else if scalars[position] == "$" && peek(position + 1) == "{" {
                if !literal.isEmpty { segments.append(.text(String(literal))) }
                literal = String.UnicodeScalarView()
                let (node, next) = try hole(at: position)
                segments.append(.hole(node))
                position = next
            } else {
                literal.append(scalars[position])
                position += 1
            }
        }
        if !literal.isEmpty { segments.append(.text(String(literal))) }
        let isSingle: Bool
        if segments.count == 1, case .hole = segments[0] { isSingle = true } else { isSingle = false }
        return Template(source: text, segments: segments, isSingleExpression: isSingle)
    }

    private func peek(_ position: Int) -> Unicode.Scalar? {
        position < scalars.count ? scalars[position] : nil
    }

    /// The hole starting with `$` at `start`, and the position just past its `}`.
    private func hole(at start: Int) throws(ExpressionError) -> (Node, Int) {
        let open = start + 2
        if let fallback = try environmentFallback(from: open, holeStart: start) { return fallback }
        let close = try closingBrace(from: open, holeStart: start)
        let syntax = try Parser.parse(scalars, range: open..<close)
        return (try checker.check(syntax).node, close + 1)
    }

    private func closingBrace(from open: Int, holeStart: Int) throws(ExpressionError) -> Int {
        var depth = 0
        var position = open
        while position < scalars.count {
            switch scalars[position] {
            case "\"", "'":
                let quote = scalars[position]
                let quoteStart = position
                position += 1
                while position < scalars.count && scalars[position] != quote {
                    position += scalars[position] == "\\" ? 2 : 1
                }
                guard position < scalars.count else {
                    throw ExpressionError(
                        rule: .expressionSyntax,
                        message: "unterminated string",
                        offset: quoteStart,
                        length: scalars.count - quoteStart,
                        hint: "close the string with \(quote)"
                    )
                }
            case "{":
                depth += 1
            case "}":
                if depth == 0 { return position }
                depth -= 1
            default:
                break
            }
            position += 1
        }
        throw unclosed(holeStart)
    }

    /// `${env.NAME:-fallback}`: the variable's value, or the fallback text when it is unset or empty.
    private func environmentFallback(from open: Int, holeStart: Int) throws(ExpressionError) -> (Node, Int)? {
        var position = skipSpaces(from: open)
        for scalar in "env.".unicodeScalars {
            guard peek(position) == scalar else { return nil }
            position += 1
        }
        let nameStart = position
        while let scalar = peek(position),
            scalar == "_" || ("0"..."9").contains(scalar)
                || ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
        {
            position += 1
        }
        var name = String.UnicodeScalarView()
        name.append(contentsOf: scalars[nameStart..<position])
        position = skipSpaces(from: position)
        guard position > nameStart, peek(position) == ":", peek(position + 1) == "-" else { return nil }
        let fallbackStart = position + 2
        guard let close = scalars[fallbackStart...].firstIndex(of: "}") else { throw unclosed(holeStart) }
        var fallback = String.UnicodeScalarView()
        fallback.append(contentsOf: scalars[fallbackStart..<close])
        let value = checker.environment[String(name)].flatMap { $0.isEmpty ? nil : $0 } ?? String(fallback)
        return (.constant(.string(value)), close + 1)
    }

    private func skipSpaces(from start: Int) -> Int {
        var position = start
        while peek(position) == " " { position += 1 }
        return position
    }

    private func unclosed(_ holeStart: Int) -> ExpressionError {
        ExpressionError(
            rule: .expressionSyntax,
            message: "unclosed \"${\"",
            offset: holeStart,
            length: 2,
            hint: "end the expression with \"}\", or write \"$${\" for a literal \"${\""
        )
    }
}
