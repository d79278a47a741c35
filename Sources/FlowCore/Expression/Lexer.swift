/// Splits a range of Unicode scalars into tokens on demand, so errors come out in text order.
///
/// Invariant: offsets are absolute (relative to the start of the whole text, not of the range), so an
/// expression inside a template hole reports positions in the template.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private let end: Int
    private var position: Int

    init(scalars: [Unicode.Scalar], range: Range<Int>) {
        self.scalars = scalars
        self.end = range.upperBound
        self.position = range.lowerBound
    }

    /// The source text of `token`, for messages.
    func text(of token: Token) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[token.offset..<min(token.endOffset, end)])
        return String(view)
    }

    /// The next token; `.end` (repeatedly) once the range is used up.
    mutating func next() throws(ExpressionError) -> Token {
        skipWhitespace()
        let start = position
        guard let scalar = peek() else { return Token(kind: .end, offset: end, length: 0) }
        if scalar == "\"" || scalar == "'" { return try string(quote: scalar) }
        if isDigit(scalar) { return try number() }
        if isIdentifierStart(scalar) { return identifier() }
        position += 1
        let two = peek().map { String(scalar) + String($0) }
        if let two, let symbol = Token.Symbol(rawValue: two) {
            position += 1
            return Token(kind: .symbol(symbol), offset: start, length: 2)
        }
        if let symbol = Token.Symbol(rawValue: String(scalar)) {
            return Token(kind: .symbol(symbol), offset: start, length: 1)
        }
        throw unexpectedCharacter(scalar, at: start)
    }

    private func unexpectedCharacter(_ scalar: Unicode.Scalar, at offset: Int) -> ExpressionError {
        let hints: [Unicode.Scalar: String] = [
            "=": "use \"==\" to compare", "&": "use \"&&\" for a logical and", "|": "use \"||\" for a logical or",
            "$": "\"${\" starts a template hole only inside templates",
        ]
        let shown = scalar.properties.isWhitespace || scalar.value < 0x20 ? scalar.escaped(asASCII: true) : "\(scalar)"
        return ExpressionError(
            rule: .expressionSyntax,
            message: "unexpected character \"\(shown)\"",
            offset: offset,
            hint: hints[scalar]
        )
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        position + ahead < end ? scalars[position + ahead] : nil
    }

    private mutating func skipWhitespace() {
        while let scalar = peek(), scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            position += 1
        }
    }

    private func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar >= "0" && scalar <= "9" }

    private func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || scalar == "_"
    }

    private mutating func identifier() -> Token {
        let start = position
        while let scalar = peek(), isIdentifierStart(scalar) || isDigit(scalar) { position += 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<position])
        let name = String(view)
        let kind: Token.Kind =
            switch name {
            case "true": .trueKeyword
            case "false": .falseKeyword
            case "null": .nullKeyword
            case "in": .inKeyword
            default: .identifier(name)
            }
        return Token(kind: kind, offset: start, length: position - start)
    }

    private mutating func number() throws(ExpressionError) -> Token {
        let start = position
        var isDouble = false
        while let scalar = peek(), isDigit(scalar) { position += 1 }
        if peek() == ".", let after = peek(1), isDigit(after) {
            isDouble = true
            position += 1
            while let scalar = peek(), isDigit(scalar) { position += 1 }
        }
        if peek() == "e" || peek() == "E" {
            isDouble = true
            position += 1
            if peek() == "+" || peek() == "-" { position += 1 }
            guard let scalar = peek(), isDigit(scalar) else { throw malformedNumber(from: start) }
            while let scalar = peek(), isDigit(scalar) { position += 1 }
        }
        if let scalar = peek(), isIdentifierStart(scalar) { throw malformedNumber(from: start) }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<position])
        let text = String(view)
        let length = position - start
        if isDouble, let value = Double(text), value.isFinite {
            return Token(kind: .double(value), offset: start, length: length)
        }
        if !isDouble, let value = Int(text) {
            return Token(kind: .int(value), offset: start, length: length)
        }
        throw ExpressionError(
            rule: .expressionSyntax,
            message: "number \(text) is too large",
            offset: start,
            length: length,
            hint: isDouble ? nil : "integers range from -9223372036854775808 to 9223372036854775807"
        )
    }

    private mutating func malformedNumber(from start: Int) -> ExpressionError {
        while let scalar = peek(), isIdentifierStart(scalar) || isDigit(scalar) { position += 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<position])
        return ExpressionError(
            rule: .expressionSyntax,
            message: "malformed number \"\(String(view))\"",
            offset: start,
            length: position - start,
            hint: "write numbers like 42, 1.5 or 2e3"
        )
    }

    private mutating func string(quote: Unicode.Scalar) throws(ExpressionError) -> Token {
        let start = position
        position += 1
        var value = String.UnicodeScalarView()
        while let scalar = peek() {
            position += 1
            if scalar == quote {
                return Token(kind: .string(String(value)), offset: start, length: position - start)
            }
            if scalar == "\\" {
                value.append(try escape(at: position - 1))
            } else {
                value.append(scalar)
            }
        }
        throw ExpressionError(
            rule: .expressionSyntax,
            message: "unterminated string",
            offset: start,
            length: position - start,
            hint: "close the string with \(quote)"
        )
    }

    /// Decodes the escape whose backslash is at `backslash`; `position` is just past the backslash.
    private mutating func escape(at backslash: Int) throws(ExpressionError) -> Unicode.Scalar {
        let simple: [Unicode.Scalar: Unicode.Scalar] = [
            "n": "\n", "t": "\t", "r": "\r", "\\": "\\", "\"": "\"", "'": "'",
        ]
        guard let letter = peek() else {
            throw ExpressionError(rule: .expressionSyntax, message: "unterminated string", offset: backslash)
        }
        position += 1
        if let decoded = simple[letter] { return decoded }
        if letter == "u", peek() == "{" {
            position += 1
            var code: UInt32 = 0
            var digits = 0
            while let scalar = peek(), let digit = hexValue(scalar) {
                code = code &* 16 &+ digit
                digits += 1
                position += 1
            }
            if peek() == "}", (1...8).contains(digits), let decoded = Unicode.Scalar(code) {
                position += 1
                return decoded
            }
        }
        throw ExpressionError(
            rule: .expressionSyntax,
            message: "invalid escape \"\\\(letter)\"",
            offset: backslash,
            length: position - backslash,
            hint: "escapes are \\n \\t \\r \\\\ \\\" \\' and \\u{1F600}"
        )
    }

    private func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 48
        case "a"..."f": scalar.value - 87
        case "A"..."F": scalar.value - 55
        default: nil
        }
    }
}
