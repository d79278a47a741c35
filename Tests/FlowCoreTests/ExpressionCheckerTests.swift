import Testing

@testable import FlowCore

struct ExpressionCheckerTests {
    private static let usage = "usage: "

    @Test(arguments: [
        ("true", ExpressionType.bool), ("1", .int), ("1.5", .double), ("'a'", .string), ("[1]", .list), ("{}", .map),
        ("null", .null), ("data", .any), ("data.a.b", .any), ("type", .string), ("subject", .any), ("attempt", .int),
        ("ext.region", .any), ("attempt + 1", .int), ("attempt * 1.5", .double), ("attempt + data.x", .any),
        ("type + \"x\"", .string), ("data.x + \"x\"", .string), ("data.tags + [1]", .list), ("-attempt", .int),
        ("type == \"A\" && data.amount > 0", .bool), ("\"a\" in data.tags", .bool), ("!data.flag", .bool),
        ("attempt > 1 ? 1 : 2", .int), ("attempt > 1 ? 1 : \"a\"", .any), ("size(data)", .int),
        ("round(data.x)", .int), ("round(data.x, 2)", .double), ("abs(-attempt)", .int), ("min(attempt, 2)", .int),
        ("min(data.list)", .any), ("default(data.x, 0)", .any), ("default(type, 0)", .string),
        ("split(type, \"e\")", .list), ("has(data.x)", .bool), ("uuid()", .string), ("string(data)", .string),
        ("1 + 1.5", .double), ("7 / 2", .int),
    ])
    func infersStaticTypes(source: String, type: ExpressionType) throws {
        #expect(try Expression.parse(source, scope: .consumer).staticType == type)
    }

    @Test func foldsConstantSubtreesIntoValues() throws {
        let expression = try Expression.parse("[1 + 2, upper('a'), {'k': 2 * 3}['k'], size([1, 2])]", scope: .consumer)
        guard case .constant(let value) = expression.node else {
            Issue.record("expected a constant, got \(expression.node)")
            return
        }
        #expect(value == [3, "A", 6, 2])
        let partly = try Expression.parse("data.x > 2 * 3", scope: .consumer)
        guard case .binary(.greater, .data, .constant(let six)) = partly.node else {
            Issue.record("expected data > constant, got \(partly.node)")
            return
        }
        #expect(six == 6)
    }

    @Test func aConstantConditionPicksItsBranch() throws {
        let expression = try Expression.parse("true ? data.a : 1", scope: .consumer)
        guard case .data(let steps) = expression.node else {
            Issue.record("expected the data branch, got \(expression.node)")
            return
        }
        #expect(steps.count == 1)
    }

    @Test func literalPatternsCompileAtLoadTime() throws {
        let expression = try Expression.parse("type.matches('^Order')", scope: .consumer)
        guard case .matches(.attribute(.type), let pattern) = expression.node else {
            Issue.record("expected a compiled pattern, got \(expression.node)")
            return
        }
        #expect(pattern.source == "^Order")
    }

    @Test(arguments: [
        ExpectedError("!\"x\"", .expressionType, "cannot apply \"!\" to string", at: 0, hint: notHint),
        ExpectedError(
            "-type",
            .expressionType,
            "cannot apply \"-\" to string",
            at: 0,
            hint: "\"-\" negates an int or double"
        ),
        ExpectedError(
            "\"a\" - 1",
            .expressionType,
            "cannot apply \"-\" to string and int",
            at: 4,
            hint: "\"-\" needs int or double operands"
        ),
        ExpectedError("type + 1", .expressionType, "cannot apply \"+\" to string and int", at: 5, hint: plusHint),
        ExpectedError("[1] + {}", .expressionType, "cannot apply \"+\" to list and map", at: 4, hint: plusHint),
        ExpectedError("type > 3", .expressionType, "cannot apply \">\" to string and int", at: 5, hint: orderHint),
        ExpectedError("1 && data.x", .expressionType, "cannot apply \"&&\" to int and any", at: 2, hint: logicHint),
        ExpectedError(
            "true || 'x'",
            .expressionType,
            "cannot apply \"||\" to bool and string",
            at: 5,
            hint: logicHint(op: "||")
        ),
        ExpectedError("1 in 'abc'", .expressionType, "cannot apply \"in\" to int and string", at: 2, hint: inHint),
        ExpectedError("'a' in 5", .expressionType, "cannot apply \"in\" to string and int", at: 4, hint: inHint),
        ExpectedError(
            "attempt ? 1 : 2",
            .expressionType,
            "the condition before \"?\" must be bool, got int",
            at: 8,
            hint: "compare explicitly, e.g. data.count > 0 ? \"some\" : \"none\""
        ),
        ExpectedError(
            "type.size",
            .expressionType,
            "cannot read field \"size\" of string",
            at: 5,
            hint: "call it as a method: size()"
        ),
        ExpectedError(
            "attempt.x",
            .expressionType,
            "cannot read field \"x\" of int",
            at: 8,
            hint: "only maps have fields; event data is read with data.NAME"
        ),
        ExpectedError(
            "type[0]",
            .expressionType,
            "cannot index string",
            at: 4,
            hint: "only lists and maps can be indexed"
        ),
        ExpectedError("[1][\"a\"]", .expressionType, "a list index must be int, got string", at: 4, hint: indexHint),
        ExpectedError("{}[1]", .expressionType, "a map key must be string, got int", at: 3, hint: indexHint),
        ExpectedError(
            "data[true]",
            .expressionType,
            "an index must be int or string, got bool",
            at: 5,
            hint: indexHint
        ),
        ExpectedError("{1: 2}", .expressionType, "map keys must be strings, got int", at: 1),
        ExpectedError("{k: 2}", .expressionType, "unknown name \"k\"", at: 1, hint: "quote map keys: {\"k\": ...}"),
        ExpectedError(
            "size(5)",
            .expressionType,
            "size() expects string, list or map, got int",
            at: 5,
            hint: "usage: size(x)"
        ),
        ExpectedError(
            "substring(type, '1')",
            .expressionType,
            "substring() expects int for \"start\", got string",
            at: 16,
            hint: "usage: substring(s, start, end?)"
        ),
        ExpectedError(
            "5.lower()",
            .expressionType,
            "lower() expects string, got int",
            at: 0,
            hint: "usage: lower(s)"
        ),
        ExpectedError(
            "contains(type, 1)",
            .expressionType,
            "contains() on a string expects a string \"item\", got int",
            at: 15,
            hint: "usage: contains(x, item)"
        ),
        ExpectedError(
            "max(1, [2])",
            .expressionType,
            "max() expects numbers, got list",
            at: 7,
            hint: "pass one list, max(list), or several numbers"
        ),
        ExpectedError(
            "size(type, 1)",
            .expressionType,
            "size() takes 1 argument, got 2",
            at: 0,
            hint: "usage: size(x)"
        ),
        ExpectedError(
            "substring(type)",
            .expressionType,
            "substring() takes 2 or 3 arguments, got 1",
            at: 0,
            hint: "usage: substring(s, start, end?)"
        ),
        ExpectedError("type.trim(1)", .expressionType, "trim() takes 1 argument, got 2", at: 5, hint: "usage: trim(s)"),
        ExpectedError(
            "min()",
            .expressionType,
            "min() takes at least 1 argument, got 0",
            at: 0,
            hint: "usage: min(values...)"
        ),
        ExpectedError("uuid(1)", .expressionType, "uuid() takes no arguments, got 1", at: 0, hint: "usage: uuid()"),
        ExpectedError(
            "has(1 + attempt)",
            .expressionType,
            "has() needs a field path such as data.customer",
            at: 4,
            hint: "has(data.customer) is true when the field exists, even if it is null"
        ),
        ExpectedError(
            "data.x / (2 - 2)",
            .expressionType,
            "division by zero",
            at: 7,
            hint: "the divisor is always 0"
        ),
        ExpectedError("data.x % 0.0", .expressionType, "modulo by zero", at: 7, hint: "the divisor is always 0"),
        ExpectedError(
            "1 / 0",
            .expressionType,
            "division by zero",
            at: 2,
            hint: "the divisor is always 0"
        ),
        ExpectedError(
            "int('seven') + attempt",
            .expressionType,
            "cannot convert \"seven\" to int",
            at: 0,
            hint: "this part has no run-time inputs, so it always fails"
        ),
        ExpectedError(
            "matches(type, 'a(')",
            .expressionSyntax,
            "invalid regular expression \"a(\"",
            at: 14,
            hint: "matches() takes ICU regular expressions; escape special characters with \\\\"
        ),
    ])
    func rejectsImpossibleOperationsOnKnownTypes(expected: ExpectedError) throws {
        try expectError(expected)
    }

    @Test(arguments: [
        ExpectedError("tpye == 'a'", .expressionType, "unknown name \"tpye\"", at: 0, hint: "did you mean \"type\"?"),
        ExpectedError("dta.x", .expressionType, "unknown name \"dta\"", at: 0, hint: "did you mean \"data\"?"),
        ExpectedError("Type", .expressionType, "unknown name \"Type\"", at: 0, hint: "did you mean \"type\"?"),
        ExpectedError(
            "x > 1",
            .expressionType,
            "unknown name \"x\"",
            at: 0,
            hint:
                "names here are id, source, type, specversion, subject, time, datacontenttype, data, ext, attempt, env"
        ),
        ExpectedError(
            "1 + uuid",
            .expressionType,
            "unknown name \"uuid\"",
            at: 4,
            hint: "call it: uuid()",
            scope: .producer
        ),
        ExpectedError(
            "sise(type)",
            .unknownFunction,
            "unknown function \"sise\"",
            at: 0,
            hint: "did you mean \"size\"?"
        ),
        ExpectedError(
            "type.uper()",
            .unknownFunction,
            "unknown function \"uper\"",
            at: 5,
            hint: "did you mean \"upper\"?"
        ),
        ExpectedError(
            "frobnicate()",
            .unknownFunction,
            "unknown function \"frobnicate\"",
            at: 0,
            hint: "docs/expressions.md lists the functions"
        ),
        ExpectedError(
            "env",
            .expressionType,
            "\"env\" needs a name after \".\", as in env.HOME",
            at: 0,
            hint: "write env.HOME"
        ),
        ExpectedError(
            "ext['region']",
            .expressionType,
            "\"ext\" needs a name after \".\", as in ext.region",
            at: 0,
            hint: "write ext.region"
        ),
    ])
    func namesUnknownNamesWithASuggestion(expected: ExpectedError) throws {
        try expectError(expected)
    }

    @Test(arguments: [
        ExpectedError(
            "data.x",
            .expressionType,
            "\"data\" is not available in a producer template",
            at: 0,
            hint: producerHint,
            scope: .producer
        ),
        ExpectedError(
            "'a' + type",
            .expressionType,
            "\"type\" is not available in a producer template",
            at: 6,
            hint: producerHint,
            scope: .producer
        ),
        ExpectedError(
            "ext.region",
            .expressionType,
            "\"ext\" is not available in a producer template",
            at: 0,
            hint: producerHint,
            scope: .producer
        ),
        ExpectedError(
            "attempt",
            .expressionType,
            "\"attempt\" is not available in a producer template",
            at: 0,
            hint: producerHint,
            scope: .producer
        ),
        ExpectedError(
            "has(data.x)",
            .expressionType,
            "\"data\" is not available in a producer template",
            at: 4,
            hint: producerHint,
            scope: .producer
        ),
        ExpectedError(
            "attempt",
            .expressionType,
            "\"attempt\" is not available in a partition key",
            at: 0,
            hint: "a partition key must be deterministic; use event attributes or data fields",
            scope: .partitionKey
        ),
        ExpectedError(
            "data.id + random_int(1, 9)",
            .expressionType,
            "a partition key must be deterministic; \"random_int\" differs on every call",
            at: 10,
            hint: "key on event fields, e.g. data.customer_id",
            scope: .partitionKey
        ),
        ExpectedError(
            "uuid()",
            .expressionType,
            "a partition key must be deterministic; \"uuid\" differs on every call",
            at: 0,
            hint: "key on event fields, e.g. data.customer_id",
            scope: .partitionKey
        ),
        ExpectedError(
            "now()",
            .expressionType,
            "a partition key must be deterministic; \"now\" differs on every call",
            at: 0,
            hint: "key on event fields, e.g. data.customer_id",
            scope: .partitionKey
        ),
        ExpectedError(
            "seq()",
            .expressionType,
            "seq() is only available in producer templates",
            at: 0,
            hint: "seq() numbers the events a producer generates"
        ),
        ExpectedError(
            "seq()",
            .expressionType,
            "seq() is only available in producer templates",
            at: 0,
            hint: "seq() numbers the events a producer generates",
            scope: .partitionKey
        ),
    ])
    func enforcesScopes(expected: ExpectedError) throws {
        try expectError(expected)
    }

    @Test(arguments: [
        ("data.customer_id", ExpressionScope.partitionKey),
        ("lower(ext.region) + ':' + string(data.id)", .partitionKey),
        ("uuid() + string(seq()) + now()", .producer), ("random_float(1, 2)", .producer),
        ("attempt < 3 && uuid() != ''", .consumer), ("env.HOME", .producer),
    ])
    func acceptsWhatEachScopeAllows(source: String, scope: ExpressionScope) throws {
        #expect(throws: Never.self) { try Expression.parse(source, scope: scope, environment: ["HOME": "/root"]) }
    }

    @Test func environmentVariablesAreResolvedAtParseTime() throws {
        let expression = try Expression.parse(
            "env.REGION + '-' + lower(env.TIER)",
            scope: .producer,
            environment: ["REGION": "eu", "TIER": "GOLD"]
        )
        guard case .constant(let value) = expression.node else {
            Issue.record("expected a constant, got \(expression.node)")
            return
        }
        #expect(value == "eu-gold")
        #expect(expression.staticType == .string)
    }

    @Test func hasOfAnEnvironmentVariableIsDecidedAtParseTime() throws {
        let environment = ["DEBUG": "1"]
        let set = try Expression.parse("has(env.DEBUG)", scope: .consumer, environment: environment)
        let unset = try Expression.parse("has(env.TRACE)", scope: .consumer, environment: environment)
        guard case .constant(.bool(true)) = set.node, case .constant(.bool(false)) = unset.node else {
            Issue.record("expected constants, got \(set.node) and \(unset.node)")
            return
        }
    }

    @Test(arguments: [ExpressionScope.producer, .consumer, .partitionKey])
    func aMissingEnvironmentVariableIsReportedInEveryScope(scope: ExpressionScope) throws {
        try expectError(
            ExpectedError(
                "'x' + env.API_TOKEN",
                .envMissing,
                "environment variable \"API_TOKEN\" is not set",
                at: 6,
                hint: "set API_TOKEN or write ${env.API_TOKEN:-fallback}",
                scope: scope
            )
        )
        let error = try #require(ExpressionFixture.parseError("'x' + env.API_TOKEN", scope: scope))
        #expect(error.length == 13)
    }

    private func expectError(_ expected: ExpectedError) throws {
        let error = try #require(ExpressionFixture.parseError(expected.source, scope: expected.scope))
        #expect(error.rule == expected.rule)
        #expect(error.message == expected.message)
        #expect(error.offset == expected.offset)
        #expect(error.hint == expected.hint)
    }

    private static let notHint = "\"!\" negates a bool; compare explicitly, e.g. data.note == null"
    private static let plusHint = "\"+\" adds numbers or joins two strings or two lists; convert with string(x) first"
    private static let orderHint = "\">\" compares numbers with numbers and strings with strings"
    private static let logicHint = logicHint(op: "&&")
    private static let inHint = "\"in\" looks for an element in a list, a key in a map or a substring in a string"
    private static let indexHint = "write list[0] or map[\"key\"]"
    private static let producerHint =
        "a producer creates events, so there is none to read; use uuid(), seq(), now(), random_int(a, b) or env.NAME"

    private static func logicHint(op: String) -> String {
        "\"\(op)\" combines bools; compare explicitly, e.g. data.count > 0"
    }
}
