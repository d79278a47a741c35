/// The parse tree of an expression, before names, functions and types are resolved.
///
/// Invariant: `start ..< end` covers the node's source text (parentheses included); `offset ..< offset + length`
/// is its anchor, where errors about it point: the operator of a unary or binary node, `?` of a conditional,
/// the name of a member or call, `[` of an index, else the whole node. `height` is at most
/// `Parser.maximumDepth`.
struct Syntax: Sendable {
    indirect enum Kind: Sendable {
        case literal(Value)
        case name(String)
        case list([Syntax])
        case map([MapEntry])
        case unary(UnaryOperator, Syntax)
        case binary(BinaryOperator, Syntax, Syntax)
        case conditional(Syntax, Syntax, Syntax)
        case member(Syntax, String)
        case index(Syntax, Syntax)
        /// `f(a, b)` or, method style, `a.f(b)`: the receiver is the first argument.
        case call(String, [Syntax])
    }

    /// One `key: value` entry of a map literal.
    struct MapEntry: Sendable {
        var key: Syntax
        var value: Syntax
    }

    /// Prefix operators; the raw value is the spelling.
    enum UnaryOperator: String, Sendable {
        case not = "!"
        case negate = "-"
    }

    /// Infix operators; the raw value is the spelling.
    enum BinaryOperator: String, Sendable {
        case or = "||"
        case and = "&&"
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case `in` = "in"
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"
        case remainder = "%"

        /// Lowest first; operators on one level associate to the left.
        static let precedence: [[BinaryOperator]] = [
            [.or], [.and], [.equal, .notEqual], [.less, .lessOrEqual, .greater, .greaterOrEqual, .in],
            [.add, .subtract], [.multiply, .divide, .remainder],
        ]
    }

    var kind: Kind
    var offset: Int
    var length: Int
    var start: Int
    var end: Int
    var height: Int
}
