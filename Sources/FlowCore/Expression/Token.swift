/// One lexical unit of an expression, positioned in Unicode scalars from the start of the whole text.
///
/// Invariant: `offset + length` never passes the end of the scanned range; `end` has length 0.
struct Token: Sendable, Equatable {
    /// What the token is, with the decoded value of literals.
    enum Kind: Sendable, Equatable {
        case int(Int)
        case double(Double)
        case string(String)
        case identifier(String)
        case trueKeyword
        case falseKeyword
        case nullKeyword
        case inKeyword
        case symbol(Symbol)
        case end
    }

    /// Punctuation and operators; the raw value is the source spelling.
    enum Symbol: String, Sendable, CaseIterable {
        case leftParen = "("
        case rightParen = ")"
        case leftBracket = "["
        case rightBracket = "]"
        case leftBrace = "{"
        case rightBrace = "}"
        case comma = ","
        case dot = "."
        case colon = ":"
        case question = "?"
        case bang = "!"
        case plus = "+"
        case minus = "-"
        case star = "*"
        case slash = "/"
        case percent = "%"
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case and = "&&"
        case or = "||"
    }

    var kind: Kind
    var offset: Int
    var length: Int

    /// One past the last scalar of the token.
    var endOffset: Int { offset + length }

    /// The identifier's name, also for keywords (which may follow `.` as field names).
    var fieldName: String? {
        switch kind {
        case .identifier(let name): name
        case .trueKeyword: "true"
        case .falseKeyword: "false"
        case .nullKeyword: "null"
        case .inKeyword: "in"
        default: nil
        }
    }

    func isSymbol(_ symbol: Symbol) -> Bool { kind == .symbol(symbol) }
}
