import Testing

@testable import FlowCore

struct ExpressionEvaluationTests {
    @Test(
        arguments: [
            // literals
            ("42", 42), ("1.5", 1.5), ("2e3", 2000.0), ("\"a\\tb\"", "a\tb"), ("'it\\'s'", "it's"),
            ("\"\\u{1F600}\"", "😀"),
            ("true", true), ("null", nil), ("[1, \"a\"]", [1, "a"]),
            ("{\"k\": 1, \"j\": [true]}", ["k": 1, "j": [true]]),
            // attributes and paths
            ("id", "evt-1"), ("source", "/checkout"), ("type", "OrderCreated"), ("specversion", "1.0"),
            ("subject", "order-42"), ("time", "2024-05-01T12:00:00Z"), ("datacontenttype", "application/json"),
            ("data.amount", 120.5), ("data.customer.name", "Ada Lovelace"), ("data[\"odd key\"]", "spaced"),
            ("data.items[1].sku", "B2"), ("data.items[data.count - 2].qty", 1), ("data[\"customer\"][\"id\"]", 7),
            ("ext.region", "eu"), ("ext.priority + 1", 4), ("attempt", 2),
            // missing fields are null
            ("data.missing", nil), ("data.missing.deeper", nil), ("data.items[9]", nil), ("data.items[-1]", nil),
            ("data.note", nil), ("ext.absent", nil), ("{\"a\": 1}.b", nil),
            // arithmetic
            ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("7 / 2", 3), ("-7 / 2", -3), ("7 % 3", 1), ("-7 % 3", -1),
            ("7 / 2.0", 3.5), ("1 + 0.5", 1.5), ("5.5 % 2", 1.5), ("-data.count", -3), ("--3", 3),
            ("\"a\" + \"b\"", "ab"), ("[1] + [2, 3]", [1, 2, 3]), ("data.amount * 2", 241.0),
            // comparison and logic
            ("2 == 2.0", true), ("1 != 1.0", false), ("[1, 2] == [1.0, 2]", true), ("{\"a\": 1} == {\"a\": 1.0}", true),
            ("\"a\" < \"b\"", true), ("3 >= 3.0", true), ("2 < 1.5", false), ("type == \"OrderCreated\"", true),
            ("type == \"OrderCreated\" && data.amount > 0", true), ("!(1 < 2)", false), ("null == data.note", true),
            ("false && data.missing.x > 1", false), ("true || data.amount", true), ("type == 3", false),
            // membership
            ("\"vip\" in data.tags", true), ("2 in [1, 2.0]", true), ("\"id\" in data.customer", true),
            ("\"Love\" in data.customer.name", true), ("\"zz\" in data.customer", false),
            // conditional
            ("data.amount > 100 ? \"big\" : \"small\"", "big"), ("false ? 1 : true ? 2 : 3", 2),
            ("attempt > 1 ? data.count : 0", 3),
            // method style
            ("type.lower()", "ordercreated"), ("data.tags.size()", 2),
            ("data.customer.name.split(\" \")[1]", "Lovelace"),
        ] as [(String, Value)]
    )
    func evaluatesAgainstTheFixture(source: String, expected: Value) throws {
        #expect(try ExpressionFixture.evaluate(source) == expected)
    }

    @Test(arguments: [
        ("data.count * 9223372036854775807", "int overflow in 3 * 9223372036854775807"),
        ("data.count / (data.count - 3)", "division by zero"),
        ("data.count % (data.count - 3)", "modulo by zero"),
        ("data.amount / (data.count - 3)", "division by zero"),
        ("data.amount > \"x\"", "cannot apply \">\" to double and string"),
        ("data.count + \"x\"", "cannot apply \"+\" to int and string"),
        ("data.count && true", "\"&&\" needs bool operands, got int"),
        ("!data.count", "cannot apply \"!\" to int"),
        ("-data.tags", "cannot apply \"-\" to list"),
        ("data.count ? 1 : 2", "the condition before \"?\" must be bool, got int"),
        ("data.count.x", "cannot read field \"x\" of int"),
        ("data.customer[0]", "cannot index map with int"),
        ("data.items[data.tags]", "an index must be int or string, got list"),
        ("1 in data.customer", "cannot apply \"in\" to int and map"),
        ("{data.count: 1}", "map keys must be strings, got int"),
    ])
    func reportsRunTimeFailures(source: String, message: String) throws {
        #expect(try ExpressionFixture.evaluationError(source) == EvaluationError(message))
    }

    @Test func evaluatingEventNamesWithoutAnEventFails() throws {
        var context = ExpressionFixture.context(event: nil)
        let expression = try Expression.parse("data.amount > 0", scope: .consumer)
        #expect(throws: EvaluationError("\"data\" needs an event, but none is being processed")) {
            try expression.evaluate(&context)
        }
    }

    @Test func attemptComesFromTheContext() throws {
        let expression = try Expression.parse("attempt", scope: .consumer)
        var context = ExpressionFixture.context()
        context.attempt = 1
        #expect(try expression.evaluate(&context) == 1)
        context.attempt = 4
        #expect(try expression.evaluate(&context) == 4)
    }

    @Test func optionalAttributesAreNullWhenAbsent() throws {
        var event = ExpressionFixture.event
        event.subject = nil
        event.datacontenttype = nil
        var context = ExpressionFixture.context(event: event)
        let expression = try Expression.parse("[subject, datacontenttype, has(subject), has(type)]", scope: .consumer)
        #expect(try expression.evaluate(&context) == [nil, nil, false, true])
    }
}
