import Testing

@testable import FlowCore

struct LexerTests {
    private func tokens(_ text: String) throws(ExpressionError) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        var lexer = Lexer(scalars: scalars, range: 0..<scalars.count)
        var result: [Token] = []
        while true {
            let token = try lexer.next()
            if token.kind == .end { return result }
            result.append(token)
        }
    }

    private func kinds(_ text: String) throws(ExpressionError) -> [Token.Kind] {
        try tokens(text).map(\.kind)
    }

    @Test func splitsAFilterIntoTokensWithOffsets() throws {
        let result = try tokens("type == \"A\" && data.n >= 2.5")
        #expect(
            result.map(\.kind) == [
                .identifier("type"), .symbol(.equal), .string("A"), .symbol(.and), .identifier("data"), .symbol(.dot),
                .identifier("n"), .symbol(.greaterOrEqual), .double(2.5),
            ]
        )
        #expect(result.map(\.offset) == [0, 5, 8, 12, 15, 19, 20, 22, 25])
        #expect(result.map(\.length) == [4, 2, 3, 2, 4, 1, 1, 2, 3])
    }

    @Test(arguments: [
        ("42", Token.Kind.int(42)), ("0", .int(0)), ("1.5", .double(1.5)), ("2e3", .double(2000)),
        ("2E-2", .double(0.02)), ("1.5e+1", .double(15)), ("\"a\\nb\"", .string("a\nb")), ("'a\"b'", .string("a\"b")),
        ("\"\\t\\\\\\\"\\'\"", .string("\t\\\"'")), ("\"\\u{e9}\\u{1F600}\"", .string("é😀")), ("true", .trueKeyword),
        ("false", .falseKeyword), ("null", .nullKeyword), ("in", .inKeyword), ("_a1", .identifier("_a1")),
        ("random_int", .identifier("random_int")), ("!=", .symbol(.notEqual)), ("||", .symbol(.or)),
        ("%", .symbol(.percent)), ("<=", .symbol(.lessOrEqual)),
    ])
    func readsOneToken(text: String, kind: Token.Kind) throws {
        #expect(try kinds(text) == [kind])
    }

    @Test func aDotAfterAnIntIsAMemberAccessNotAFraction() throws {
        #expect(try kinds("1.size") == [.int(1), .symbol(.dot), .identifier("size")])
        #expect(
            try kinds("a[0].b") == [
                .identifier("a"), .symbol(.leftBracket), .int(0), .symbol(.rightBracket), .symbol(.dot),
                .identifier("b"),
            ]
        )
    }

    @Test func offsetsCountUnicodeScalars() throws {
        let result = try tokens("\"é😀\" + x")
        #expect(result.map(\.offset) == [0, 5, 7])
        #expect(result[0].length == 4)
    }

    @Test func aRangeKeepsAbsoluteOffsets() throws {
        let scalars = Array("ab ${ x + 1 }".unicodeScalars)
        var lexer = Lexer(scalars: scalars, range: 5..<12)
        #expect(try lexer.next() == Token(kind: .identifier("x"), offset: 6, length: 1))
        #expect(try lexer.next() == Token(kind: .symbol(.plus), offset: 8, length: 1))
        #expect(try lexer.next() == Token(kind: .int(1), offset: 10, length: 1))
        #expect(try lexer.next() == Token(kind: .end, offset: 12, length: 0))
    }

    @Test(arguments: [
        ExpectedError("\"abc", .expressionSyntax, "unterminated string", at: 0, hint: "close the string with \""),
        ExpectedError("x == 'ab", .expressionSyntax, "unterminated string", at: 5, hint: "close the string with '"),
        ExpectedError(
            "\"a\\qb\"",
            .expressionSyntax,
            "invalid escape \"\\q\"",
            at: 2,
            hint: "escapes are \\n \\t \\r \\\\ \\\" \\' and \\u{1F600}"
        ),
        ExpectedError(
            "\"\\u{110000}\"",
            .expressionSyntax,
            "invalid escape \"\\u\"",
            at: 1,
            hint: "escapes are \\n \\t \\r \\\\ \\\" \\' and \\u{1F600}"
        ),
        ExpectedError("a = 1", .expressionSyntax, "unexpected character \"=\"", at: 2, hint: "use \"==\" to compare"),
        ExpectedError(
            "a & b",
            .expressionSyntax,
            "unexpected character \"&\"",
            at: 2,
            hint: "use \"&&\" for a logical and"
        ),
        ExpectedError("é", .expressionSyntax, "unexpected character \"é\"", at: 0),
        ExpectedError("x # y", .expressionSyntax, "unexpected character \"#\"", at: 2),
        ExpectedError(
            "12ab",
            .expressionSyntax,
            "malformed number \"12ab\"",
            at: 0,
            hint: "write numbers like 42, 1.5 or 2e3"
        ),
        ExpectedError(
            "1e+",
            .expressionSyntax,
            "malformed number \"1e+\"",
            at: 0,
            hint: "write numbers like 42, 1.5 or 2e3"
        ),
        ExpectedError(
            "x + 99999999999999999999",
            .expressionSyntax,
            "number 99999999999999999999 is too large",
            at: 4,
            hint: "integers range from -9223372036854775808 to 9223372036854775807"
        ),
    ])
    func rejectsMalformedTokens(expected: ExpectedError) throws {
        let error = try #require(ExpressionFixture.parseError(expected.source))
        #expect(error.rule == expected.rule)
        #expect(error.message == expected.message)
        #expect(error.offset == expected.offset)
        #expect(error.hint == expected.hint)
    }
}
