/// A recursive-descent parser from tokens to `Syntax`; it checks grammar only, not names or types.
///
/// Invariant: it fails on the first error, at the offending token; nesting deeper than `maximumDepth` is an
/// error rather than a stack overflow.
struct Parser {
    /// The deepest tree (and recursion) accepted; far beyond any hand-written expression.
    static let maximumDepth = 128

    private var lexer: Lexer
    private var token: Token
    private var previousEnd: Int
    private var depth = 0

    /// Parses the scalars in `range` as one whole expression.
    static func parse(_ scalars: [Unicode.Scalar], range: Range<Int>) throws(ExpressionError) -> Syntax {
        var parser = try Parser(scalars, range: range)
        let syntax = try parser.expression()
        guard parser.token.kind == .end else { throw parser.trailingTokenError() }
        return syntax
    }

    private init(_ scalars: [Unicode.Scalar], range: Range<Int>) throws(ExpressionError) {
        lexer = Lexer(scalars: scalars, range: range)
        token = try lexer.next()
        previousEnd = range.lowerBound
    }

    private mutating func advance() throws(ExpressionError) {
        previousEnd = token.endOffset
        token = try lexer.next()
    }

    private mutating func descend() throws(ExpressionError) {
        depth += 1
        if depth > Parser.maximumDepth { throw tooDeep(at: token.offset) }
    }

    private func tooDeep(at offset: Int) -> ExpressionError {
        ExpressionError(
            rule: .expressionSyntax,
            message: "expression nests too deeply",
            offset: offset,
            hint: "split it into simpler expressions"
        )
    }

    private func make(
        _ kind: Syntax.Kind,
        anchor: Token,
        start: Int,
        children: [Syntax]
    ) throws(ExpressionError)
        -> Syntax
    {
        try make(kind, offset: anchor.offset, length: anchor.length, start: start, children: children)
    }

    private func make(
        _ kind: Syntax.Kind,
        offset: Int,
        length: Int,
        start: Int,
        children: [Syntax]
    )
        throws(ExpressionError) -> Syntax
    {
        let height = 1 + (children.map(\.height).max() ?? 0)
        if height > Parser.maximumDepth { throw tooDeep(at: offset) }
        return Syntax(kind: kind, offset: offset, length: length, start: start, end: previousEnd, height: height)
    }

    // MARK: Grammar, lowest precedence first

    private mutating func expression() throws(ExpressionError) -> Syntax {
        try descend()
        defer { depth -= 1 }
        let condition = try binary(level: 0)
        guard token.isSymbol(.question) else { return condition }
        let question = token
        try advance()
        let then = try expression()
        guard token.isSymbol(.colon) else {
            throw expected(":", after: "to match \"?\" at column \(question.offset + 1)")
        }
        try advance()
        let otherwise = try expression()
        return try make(
            .conditional(condition, then, otherwise),
            anchor: question,
            start: condition.start,
            children: [condition, then, otherwise]
        )
    }

    private mutating func binary(level: Int) throws(ExpressionError) -> Syntax {
        guard level < Syntax.BinaryOperator.precedence.count else { return try unary() }
        var left = try binary(level: level + 1)
        while let op = binaryOperator(), Syntax.BinaryOperator.precedence[level].contains(op) {
            let opToken = token
            try advance()
            let right = try binary(level: level + 1)
            left = try make(.binary(op, left, right), anchor: opToken, start: left.start, children: [left, right])
        }
        return left
    }

    private func binaryOperator() -> Syntax.BinaryOperator? {
        switch token.kind {
        case .inKeyword: .in
        case .symbol(let symbol): Syntax.BinaryOperator(rawValue: symbol.rawValue)
        default: nil
        }
    }

    private mutating func unary() throws(ExpressionError) -> Syntax {
        try descend()
        defer { depth -= 1 }
        let op: Syntax.UnaryOperator? =
            switch token.kind {
            case .symbol(.bang): .not
            case .symbol(.minus): .negate
            default: nil
            }
        guard let op else { return try postfix() }
        let opToken = token
        try advance()
        let operand = try unary()
        return try make(.unary(op, operand), anchor: opToken, start: opToken.offset, children: [operand])
    }

    private mutating func postfix() throws(ExpressionError) -> Syntax {
        var base = try primary()
        while true {
            if token.isSymbol(.dot) {
                try advance()
                guard token.fieldName != nil else {
                    throw error(expectedAfterDot: token)
                }
                let nameToken = token
                let name = token.fieldName ?? ""
                try advance()
                if token.isSymbol(.leftParen) {
                    let arguments = try self.arguments()
                    base = try make(
                        .call(name, [base] + arguments),
                        anchor: nameToken,
                        start: base.start,
                        children: [base] + arguments
                    )
                } else {
                    base = try make(.member(base, name), anchor: nameToken, start: base.start, children: [base])
                }
            } else if token.isSymbol(.leftBracket) {
                let open = token
                try advance()
                let index = try expression()
                try close(.rightBracket, opener: open)
                base = try make(.index(base, index), anchor: open, start: base.start, children: [base, index])
            } else {
                return base
            }
        }
    }

    private mutating func primary() throws(ExpressionError) -> Syntax {
        let first = token
        let literal: Value? =
            switch first.kind {
            case .int(let value): .int(value)
            case .double(let value): .double(value)
            case .string(let value): .string(value)
            case .trueKeyword: .bool(true)
            case .falseKeyword: .bool(false)
            case .nullKeyword: .null
            default: nil
            }
        if let literal {
            try advance()
            return try make(.literal(literal), anchor: first, start: first.offset, children: [])
        }
        switch first.kind {
        case .identifier(let name):
            try advance()
            guard token.isSymbol(.leftParen) else {
                return try make(.name(name), anchor: first, start: first.offset, children: [])
            }
            let arguments = try self.arguments()
            return try make(.call(name, arguments), anchor: first, start: first.offset, children: arguments)
        case .symbol(.leftParen):
            try advance()
            var inner = try expression()
            try close(.rightParen, opener: first)
            inner.start = first.offset
            inner.end = previousEnd
            return inner
        case .symbol(.leftBracket):
            try advance()
            let elements = try sequence(closing: .rightBracket, opener: first) { parser throws(ExpressionError) in
                try parser.expression()
            }
            return try make(
                .list(elements),
                offset: first.offset,
                length: previousEnd - first.offset,
                start: first.offset,
                children: elements
            )
        case .symbol(.leftBrace):
            try advance()
            let entries = try sequence(closing: .rightBrace, opener: first) { parser throws(ExpressionError) in
                let key = try parser.expression()
                guard parser.token.isSymbol(.colon) else { throw parser.expected(":", after: "after a map key") }
                try parser.advance()
                return Syntax.MapEntry(key: key, value: try parser.expression())
            }
            return try make(
                .map(entries),
                offset: first.offset,
                length: previousEnd - first.offset,
                start: first.offset,
                children: entries.flatMap { [$0.key, $0.value] }
            )
        default:
            throw unexpected(first)
        }
    }

    /// `( a, b, ... )` after a function name; the current token is `(`.
    private mutating func arguments() throws(ExpressionError) -> [Syntax] {
        let open = token
        try advance()
        return try sequence(closing: .rightParen, opener: open) { parser throws(ExpressionError) in
            try parser.expression()
        }
    }

    /// Comma-separated items up to `closing` (a trailing comma is allowed); consumes the closing token.
    private mutating func sequence<Item>(
        closing: Token.Symbol,
        opener: Token,
        item: (inout Parser) throws(ExpressionError) -> Item
    ) throws(ExpressionError) -> [Item] {
        var items: [Item] = []
        while !token.isSymbol(closing) {
            items.append(try item(&self))
            guard token.isSymbol(.comma) else { break }
            try advance()
        }
        try close(closing, opener: opener)
        return items
    }

    private mutating func close(_ symbol: Token.Symbol, opener: Token) throws(ExpressionError) {
        guard token.isSymbol(symbol) else {
            throw expected(
                symbol.rawValue,
                after: "to close \"\(lexer.text(of: opener))\" at column \(opener.offset + 1)"
            )
        }
        try advance()
    }

    // MARK: Errors

    private func expected(_ what: String, after context: String) -> ExpressionError {
        ExpressionError(
            rule: .expressionSyntax,
            message: "expected \"\(what)\" \(context)",
            offset: token.offset,
            length: max(1, token.length),
            hint: token.kind == .end ? "add \"\(what)\"" : "add \"\(what)\" before \(describe(token))"
        )
    }

    private func error(expectedAfterDot found: Token) -> ExpressionError {
        ExpressionError(
            rule: .expressionSyntax,
            message: found.kind == .end
                ? "expected a field name after \".\", found the end of the expression"
                : "expected a field name after \".\", found \(describe(found))",
            offset: found.offset,
            length: max(1, found.length),
            hint: "write a name such as data.amount, or data[\"key\"] for other keys"
        )
    }

    private func unexpected(_ found: Token) -> ExpressionError {
        if found.kind == .end {
            return ExpressionError(
                rule: .expressionSyntax,
                message: "unexpected end of expression",
                offset: found.offset,
                hint: "complete the expression with a value, a name or a function call"
            )
        }
        return ExpressionError(
            rule: .expressionSyntax,
            message: "unexpected \(describe(found))",
            offset: found.offset,
            length: found.length,
            hint: "expected a value, a name or a function call here"
        )
    }

    private func trailingTokenError() -> ExpressionError {
        ExpressionError(
            rule: .expressionSyntax,
            message: "unexpected \(describe(token)) after a complete expression",
            offset: token.offset,
            length: token.length,
            hint: token.isSymbol(.rightParen) || token.isSymbol(.rightBracket) || token.isSymbol(.rightBrace)
                ? "remove it or add the matching opening bracket" : "combine conditions with && or ||"
        )
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .int, .double: "number \(lexer.text(of: token))"
        case .string: "string \(lexer.text(of: token))"
        case .end: "end of expression"
        default: "\"\(lexer.text(of: token))\""
        }
    }
}
