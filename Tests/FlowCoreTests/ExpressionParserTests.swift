import Testing

@testable import FlowCore

struct ExpressionParserTests {
    private func parse(_ text: String) throws(ExpressionError) -> Syntax {
        let scalars = Array(text.unicodeScalars)
        return try Parser.parse(scalars, range: 0..<scalars.count)
    }

    /// The tree as an S-expression, so tests can state structure in one line.
    private func render(_ syntax: Syntax) -> String {
        switch syntax.kind {
        case .literal(let value): value.jsonString
        case .name(let name): name
        case .list(let items): "[" + items.map(render).joined(separator: " ") + "]"
        case .map(let entries):
            "{" + entries.map { render($0.key) + ":" + render($0.value) }.joined(separator: " ") + "}"
        case .unary(let op, let operand): "(\(op.rawValue) \(render(operand)))"
        case .binary(let op, let lhs, let rhs): "(\(op.rawValue) \(render(lhs)) \(render(rhs)))"
        case .conditional(let test, let then, let otherwise): "(? \(render(test)) \(render(then)) \(render(otherwise)))"
        case .member(let base, let name): "(. \(render(base)) \(name))"
        case .index(let base, let index): "([] \(render(base)) \(render(index)))"
        case .call(let name, let arguments): "(\(name)" + arguments.map { " " + render($0) }.joined() + ")"
        }
    }

    @Test(arguments: [
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("1 - 2 - 3", "(- (- 1 2) 3)"),
        ("a || b && c", "(|| a (&& b c))"),
        ("a && b || c", "(|| (&& a b) c)"),
        ("a == b < c", "(== a (< b c))"),
        ("a != b in c", "(!= a (in b c))"),
        ("-a * b", "(* (- a) b)"),
        ("!a.b", "(! (. a b))"),
        ("!!a", "(! (! a))"),
        ("a + b % c", "(+ a (% b c))"),
        ("a ? b : c ? d : e", "(? a b (? c d e))"),
        ("a || b ? c : d", "(? (|| a b) c d)"),
        ("(a ? b : c) ? d : e", "(? (? a b c) d e)"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("data.items[0].sku", "(. ([] (. data items) 0) sku)"),
        ("data[\"k\"][1]", "([] ([] data \"k\") 1)"),
        ("f()", "(f)"),
        ("f(1, g(2),)", "(f 1 (g 2))"),
        ("x.f(1)", "(f x 1)"),
        ("x.f().g", "(. (f x) g)"),
        ("\"a\".upper()", "(upper \"a\")"),
        ("[1, [2], ]", "[1 [2]]"),
        ("[]", "[]"),
        ("{\"k\": 1, \"j\": {}}", "{\"k\":1 \"j\":{}}"),
        ("data.in.null", "(. (. data in) null)"),
        ("2 in [1, 2]", "(in 2 [1 2])"),
    ])
    func respectsPrecedenceAndAssociativity(source: String, tree: String) throws {
        #expect(render(try parse(source)) == tree)
    }

    @Test func nodesRecordTheirAnchorAndSpan() throws {
        let syntax = try parse("(a + bb) * size(c)")
        #expect((syntax.offset, syntax.length, syntax.start, syntax.end) == (9, 1, 0, 18))
        guard case .binary(_, let left, let right) = syntax.kind else {
            Issue.record("expected a binary node, got \(render(syntax))")
            return
        }
        #expect((left.offset, left.length, left.start, left.end) == (3, 1, 0, 8))
        #expect((right.offset, right.length, right.start, right.end) == (11, 4, 11, 18))
    }

    @Test(arguments: [
        ExpectedError("", .expressionSyntax, "unexpected end of expression", at: 0, hint: endHint),
        ExpectedError("type ==", .expressionSyntax, "unexpected end of expression", at: 7, hint: endHint),
        ExpectedError(
            "size(type",
            .expressionSyntax,
            "expected \")\" to close \"(\" at column 5",
            at: 9,
            hint: "add \")\""
        ),
        ExpectedError(
            "(a + b c",
            .expressionSyntax,
            "expected \")\" to close \"(\" at column 1",
            at: 7,
            hint: "add \")\" before \"c\""
        ),
        ExpectedError(
            "data.items[0",
            .expressionSyntax,
            "expected \"]\" to close \"[\" at column 11",
            at: 12,
            hint: "add \"]\""
        ),
        ExpectedError(
            "[1, 2",
            .expressionSyntax,
            "expected \"]\" to close \"[\" at column 1",
            at: 5,
            hint: "add \"]\""
        ),
        ExpectedError(
            "{\"a\": 1",
            .expressionSyntax,
            "expected \"}\" to close \"{\" at column 1",
            at: 7,
            hint: "add \"}\""
        ),
        ExpectedError(
            "{\"a\" 1}",
            .expressionSyntax,
            "expected \":\" after a map key",
            at: 5,
            hint: "add \":\" before number 1"
        ),
        ExpectedError(
            "a ? b",
            .expressionSyntax,
            "expected \":\" to match \"?\" at column 3",
            at: 5,
            hint: "add \":\""
        ),
        ExpectedError(
            "data.",
            .expressionSyntax,
            "expected a field name after \".\", found the end of the expression",
            at: 5,
            hint: "write a name such as data.amount, or data[\"key\"] for other keys"
        ),
        ExpectedError(
            "data.1",
            .expressionSyntax,
            "expected a field name after \".\", found number 1",
            at: 5,
            hint: "write a name such as data.amount, or data[\"key\"] for other keys"
        ),
        ExpectedError(
            "type == \"a\" subject",
            .expressionSyntax,
            "unexpected \"subject\" after a complete expression",
            at: 12,
            hint: "combine conditions with && or ||"
        ),
        ExpectedError(
            "a)",
            .expressionSyntax,
            "unexpected \")\" after a complete expression",
            at: 1,
            hint: "remove it or add the matching opening bracket"
        ),
        ExpectedError(
            "1 + * 2",
            .expressionSyntax,
            "unexpected \"*\"",
            at: 4,
            hint: "expected a value, a name or a function call here"
        ),
        ExpectedError(
            "f(,)",
            .expressionSyntax,
            "unexpected \",\"",
            at: 2,
            hint: "expected a value, a name or a function call here"
        ),
    ])
    func reportsSyntaxErrorsAtTheOffendingToken(expected: ExpectedError) throws {
        let error = try #require(ExpressionFixture.parseError(expected.source))
        #expect(error.rule == expected.rule)
        #expect(error.message == expected.message)
        #expect(error.offset == expected.offset)
        #expect(error.hint == expected.hint)
    }

    private static let endHint = "complete the expression with a value, a name or a function call"

    @Test(arguments: [
        String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500),
        String(repeating: "!", count: 500) + "true",
        Array(repeating: "1", count: 500).joined(separator: " + "),
        Array(repeating: "true ? 1 :", count: 300).joined(separator: " ") + " 2",
        "data" + String(repeating: ".a", count: 500),
    ])
    func deepNestingIsAnErrorNotACrash(source: String) throws {
        let error = try #require(ExpressionFixture.parseError(source))
        #expect(error.rule == .expressionSyntax)
        #expect(error.message == "expression nests too deeply")
        #expect(error.offset > 0 && error.offset < source.unicodeScalars.count)
    }

    @Test func moderateNestingParses() throws {
        let source = String(repeating: "(", count: 30) + "1" + String(repeating: ")", count: 30)
        #expect(try ExpressionFixture.evaluate(source) == 1)
    }
}
