import FlowCore
import FlowYAML
import Testing

struct NodeScalarValueTests {
    /// The value of `v:` in a one-line document `v: <text>`.
    private func node(_ text: String) throws -> Node {
        let result = YAMLParser.parse("v: \(text)\n", file: "v.yml")
        #expect(result.diagnostics.isEmpty)
        return try #require(result.root?.value(forKey: "v"))
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var text: String
        var value: Value?
        var testDescription: String { "v: \(text)" }
        init(_ text: String, _ value: Value?) {
            self.text = text
            self.value = value
        }
    }

    static let plainScalars: [Case] = [
        Case("", .null), Case("~", .null), Case("null", .null), Case("Null", "Null"), Case("NULL", "NULL"),
        Case("true", true), Case("false", false), Case("True", "True"), Case("FALSE", "FALSE"),
        Case("yes", "yes"), Case("no", "no"), Case("on", "on"), Case("off", "off"), Case("NO", "NO"),
        Case("y", "y"), Case("0", 0), Case("42", 42), Case("-17", -17), Case("+3", 3), Case("007", 7),
        Case("0x1F", 31), Case("0xff", 255), Case("0o17", 15), Case("0o8", "0o8"), Case("0x", "0x"),
        Case("0xG", "0xG"), Case("-0x1", "-0x1"), Case("1_000", "1_000"),
        Case("9223372036854775807", .int(Int.max)), Case("99999999999999999999", 1e20),
        Case("0x10000000000000000", "0x10000000000000000"),
        Case("1.5", 1.5), Case("-2e3", -2000.0), Case(".5", 0.5), Case("1.", 1.0), Case("+1.5E-2", 0.015),
        Case("1e3", 1000.0), Case(".inf", .double(.infinity)), Case("+.inf", .double(.infinity)),
        Case("-.inf", .double(-.infinity)), Case(".Inf", ".Inf"), Case("1.2.3", "1.2.3"), Case("e3", "e3"),
        Case("1e", "1e"), Case(".", "."), Case("-x", "-x"), Case("1:2", "1:2"), Case("2s", "2s"),
        Case("500/s", "500/s"), Case("orders", "orders"), Case("hello world", "hello world"),
    ]

    @Test(arguments: plainScalars)
    func plainScalarsResolveByTheLowerCaseCoreSchema(_ testCase: Case) throws {
        #expect(try node(testCase.text).scalarValue == testCase.value)
    }

    @Test func nanResolvesToANotANumberDouble() throws {
        let value = try node(".nan").scalarValue
        guard case .double(let double) = value else {
            Issue.record("expected a double, got \(String(describing: value))")
            return
        }
        #expect(double.isNaN)
        #expect(try node(".NaN").scalarValue == ".NaN")
    }

    static let styledScalars: [Case] = [
        Case("\"true\"", "true"), Case("'42'", "42"), Case("\"\"", ""), Case("'null'", "null"),
        Case("|\n  1.5", "1.5\n"), Case(">\n  ~", "~\n"),
    ]

    @Test(arguments: styledScalars)
    func quotedLiteralAndFoldedScalarsAreAlwaysStrings(_ testCase: Case) throws {
        #expect(try node(testCase.text).scalarValue == testCase.value)
    }

    static let taggedScalars: [Case] = [
        Case("!!str 42", "42"), Case("!!str true", "true"), Case("!!str", ""), Case("! 42", "42"),
        Case("!!int \"42\"", 42), Case("!!int 0x10", 16), Case("!!int abc", nil), Case("!!int 1.5", nil),
        Case("!!float 3", 3.0), Case("!!float '2.5'", 2.5), Case("!!float x", nil),
        Case("!!bool 'true'", true), Case("!!bool yes", nil), Case("!!null ''", .null), Case("!!null ~", .null),
        Case("!!null 0", nil), Case("!custom 42", 42), Case("!custom '42'", "42"),
    ]

    @Test(arguments: taggedScalars)
    func tagsForceTheirTypeWhenTheTextIsOne(_ testCase: Case) throws {
        #expect(try node(testCase.text).scalarValue == testCase.value)
    }

    @Test func mappingsAndListsConvertRecursively() throws {
        let value = try node("{a: [1, two, 3.5, ~], b: {c: true}, \"d\": '1'}").scalarValue
        #expect(value == ["a": [1, "two", 3.5, nil], "b": ["c": true], "d": "1"])
    }

    @Test func aMappingWithANonScalarKeyHasNoValue() throws {
        let root = try #require(YAMLParser.parse("? [a, b]\n: c\n", file: "v.yml").root)
        #expect(root.mapping?.count == 1)
        #expect(root.scalarValue == nil)
    }

    @Test(arguments: [
        ("{a: 1}", "mapping"), ("[1]", "list"), ("x", "string"), ("'1'", "string"), ("1", "number"),
        ("-.inf", "number"), ("true", "boolean"), ("~", "null"), ("", "null"), ("!!int x", "string"),
    ])
    func kindNameNamesTheYAMLType(_ text: String, _ kindName: String) throws {
        #expect(try node(text).kindName == kindName)
    }

    @Test func accessorsAnswerOnlyForTheirShape() throws {
        let root = try #require(YAMLParser.parse("m: {a: 1}\nl: [x]\ns: y\n", file: "v.yml").root)
        let mapping = try #require(root.value(forKey: "m"))
        let list = try #require(root.value(forKey: "l"))
        let scalar = try #require(root.value(forKey: "s"))
        #expect(mapping.mapping?.count == 1)
        #expect(mapping.sequence == nil)
        #expect(mapping.scalar == nil)
        #expect(list.sequence?.count == 1)
        #expect(list.mapping == nil)
        #expect(scalar.scalar == Node.Scalar("y"))
        #expect(scalar.mapping == nil)
        #expect(mapping.value(forKey: "a")?.scalar?.text == "1")
        #expect(mapping.value(forKey: "b") == nil)
        #expect(list.value(forKey: "x") == nil)
    }
}
