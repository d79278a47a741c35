import Foundation
import Testing

@testable import FlowCore

struct FunctionTests {
    @Test(
        arguments: [
            ("size(\"héllo\")", 5), ("len(data.tags)", 2), ("size(data.customer)", 3), ("data.items.size()", 2),
            ("lower(\"AbC\")", "abc"), ("upper(type)", "ORDERCREATED"), ("trim(\"  x \\n\")", "x"),
            ("contains(data.customer.name, \"Love\")", true), ("data.tags.contains(\"vip\")", true),
            ("contains([1, 2], 2.0)", true), ("contains(\"abc\", \"\")", true),
            ("starts_with(source, \"/check\")", true), ("ends_with(data.customer.email, \".org\")", false),
            ("matches(data.customer.email, \"^[a-z]+@example\\\\.com$\")", true), ("matches(type, \"^Order\")", true),
            ("matches(\"abc\", data.customer.name)", false), ("replace(\"a-b-c\", \"-\", \"+\")", "a+b+c"),
            ("replace(\"abc\", \"\", \"x\")", "abc"), ("split(\"a,b,,c\", \",\")", ["a", "b", "", "c"]),
            ("split(\"ab\", \"\")", ["a", "b"]), ("join(data.tags, \"|\")", "new|vip"),
            ("join([1, \"a\", null])", "1anull"),
            ("substring(\"hello\", 1, 3)", "el"), ("substring(\"hello\", 2)", "llo"),
            ("\"héllo\".substring(1, 2)", "é"),
            ("string(1.5)", "1.5"), ("string([1, \"a\"])", "[1,\"a\"]"), ("string(\"x\")", "x"),
            ("string(null)", "null"),
            ("int(\"42\")", 42), ("int(-3.9)", -3), ("int(data.amount)", 120), ("double(\"2.5\")", 2.5),
            ("double(2)", 2.0),
            ("bool(\"true\")", true), ("bool(false)", false), ("abs(-4)", 4), ("abs(-1.5)", 1.5),
            ("min(3, 1.5, 2)", 1.5), ("max(3, 1, 2)", 3), ("min([4, 2, 8])", 2), ("max(data.count)", 3),
            ("round(2.5)", 3), ("round(-2.5)", -3), ("round(2.345, 2)", 2.35), ("round(7)", 7), ("floor(-1.5)", -2),
            ("ceil(1.2)", 2), ("floor(data.amount)", 120),
            ("has(data.customer.email)", true), ("has(data.customer.phone)", false), ("has(data.note)", true),
            ("has(data.items[5])", false), ("has(ext.region)", true), ("has(ext.zone)", false), ("has(data)", true),
            ("has(data.missing.deeper)", false),
            ("default(data.note, \"none\")", "none"), ("default(data.count, 0)", 3),
            ("default(ext.zone, \"us\")", "us"),
        ] as [(String, Value)]
    )
    func computesValues(source: String, expected: Value) throws {
        #expect(try ExpressionFixture.evaluate(source) == expected)
    }

    @Test(arguments: [
        ("int(data.customer.name)", "cannot convert \"Ada Lovelace\" to int"),
        ("double(data.customer.name)", "cannot convert \"Ada Lovelace\" to double"),
        ("bool(data.customer.name)", "cannot convert \"Ada Lovelace\" to bool"),
        ("int(data.amount * 1e300)", "int() cannot convert 1.205e+302 to int"),
        ("size(data.count)", "size() expects string, list or map, got int"),
        ("lower(data.note)", "lower() expects string, got null"),
        ("substring(data.customer.name, 2, 99)", "substring() range 2..<99 is outside a string of length 12"),
        ("substring(type, data.count, 1)", "substring() range 3..<1 is outside a string of length 12"),
        ("contains(type, data.count)", "contains() on a string expects a string \"item\", got int"),
        ("matches(type, data.customer.name + \"(\")", "invalid regular expression \"Ada Lovelace(\""),
        ("min(data.tags)", "min() expects numbers, got string"),
        ("max(data.missing)", "max() expects numbers, got null"),
    ])
    func reportsBadArgumentsAtRunTime(source: String, message: String) throws {
        #expect(try ExpressionFixture.evaluationError(source) == EvaluationError(message))
    }

    @Test func minOfAnEmptyListFails() throws {
        #expect(
            try ExpressionFixture.evaluationError("min(data.count > 5 ? [1] : [])")
                == EvaluationError("min() of an empty list")
        )
    }

    @Test func randomFunctionsRepeatUnderASeed() throws {
        let template = try Template.parse(
            "${uuid()} ${random_int(1, 50)} ${random_float(5, 500)}",
            scope: .producer
        )
        var first = ExpressionFixture.context(seed: 99)
        var second = ExpressionFixture.context(seed: 99)
        var other = ExpressionFixture.context(seed: 100)
        let runs = try (0..<5).map { _ in try template.renderString(&first) }
        #expect(try (0..<5).map { _ in try template.renderString(&second) } == runs)
        #expect(try (0..<5).map { _ in try template.renderString(&other) } != runs)
        #expect(Set(runs).count == 5)
    }

    @Test func uuidIsAVersionFourUUID() throws {
        let value = try ExpressionFixture.evaluate("uuid()", scope: .producer)
        let text = try #require(value.stringValue)
        #expect(UUID(uuidString: text) != nil)
        #expect(Array(text)[14] == "4")
    }

    @Test func randomIntCoversBothEndsAndNothingElse() throws {
        let expression = try Expression.parse("random_int(1, 3)", scope: .producer)
        var context = ExpressionFixture.context()
        var seen: Set<Value> = []
        for _ in 0..<200 { seen.insert(try expression.evaluate(&context)) }
        #expect(seen == [1, 2, 3])
    }

    @Test func randomIntHandlesTheWholeIntRange() throws {
        var random = SeededRandom(seed: 1)
        #expect(random.int(in: Int.min...Int.max) != random.int(in: Int.min...Int.max))
        #expect(random.int(in: 5...5) == 5)
        #expect(random.int(in: -2 ... -2) == -2)
    }

    @Test func randomFloatStaysInItsHalfOpenRange() throws {
        let expression = try Expression.parse("random_float(5, 6)", scope: .producer)
        var context = ExpressionFixture.context()
        for _ in 0..<200 {
            let value = try expression.evaluate(&context)
            guard case .double(let number) = value else {
                Issue.record("expected a double, got \(value)")
                return
            }
            #expect(number >= 5 && number < 6)
        }
        #expect(try ExpressionFixture.evaluate("random_float(2, 2)", scope: .producer) == 2.0)
    }

    @Test(arguments: [
        ("random_int(5, 1)", "random_int() needs min <= max, got 5 and 1"),
        ("random_float(2, 1)", "random_float() needs finite min <= max, got 2.0 and 1.0"),
    ])
    func randomRangesMustBeOrdered(source: String, message: String) throws {
        var context = ExpressionFixture.context()
        let expression = try Expression.parse(source, scope: .producer)
        #expect(throws: EvaluationError(message)) { try expression.evaluate(&context) }
    }

    @Test func nowIsRFC3339UTCWithMilliseconds() throws {
        #expect(try ExpressionFixture.evaluate("now()", scope: .producer) == "2024-05-01T12:00:00.250Z")
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000Z"), (-1.5, "1969-12-31T23:59:58.500Z"),
        (951_782_400.5, "2000-02-29T00:00:00.500Z"), (4_102_444_799.999, "2099-12-31T23:59:59.999Z"),
    ])
    func timestampsCrossDayAndLeapYearBoundaries(seconds: Double, expected: String) {
        #expect(Timestamp.rfc3339(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func seqIsTheProducersCounter() throws {
        let expression = try Expression.parse("\"order-\" + string(seq())", scope: .producer)
        var context = ExpressionFixture.context(seq: 17)
        #expect(try expression.evaluate(&context) == "order-17")
    }

    @Test func everyFunctionHasAUsageLine() {
        #expect(Function.substring.usage == "substring(s, start, end?)")
        #expect(Function.min.usage == "min(values...)")
        #expect(Function.uuid.usage == "uuid()")
        #expect(Function(named: "len") == .size)
        #expect(Function.allCases.allSatisfy { $0.usage.hasPrefix($0.rawValue + "(") })
    }
}
