import Testing

@testable import FlowCore

struct TemplateTests {
    private func render(
        _ text: String,
        scope: ExpressionScope = .consumer,
        environment: [String: String] = [:]
    ) throws -> Value {
        var context = ExpressionFixture.context()
        return try Template.parse(text, scope: scope, environment: environment).render(&context)
    }

    @Test(
        arguments: [
            ("plain text", "plain text"), ("", ""), ("order ${data.customer.id} of ${type}", "order 7 of OrderCreated"),
            ("${data.amount}", 120.5), ("${data.count}", 3), ("${data.tags}", ["new", "vip"]), ("${data.note}", nil),
            ("${ data.count > 1 }", true), ("[${data.tags}]", "[[\"new\",\"vip\"]]"), ("n=${data.note}", "n=null"),
            ("${type}${id}", "OrderCreatedevt-1"), ("cost: $${data.amount}", "cost: ${data.amount}"),
            ("$5 and $$", "$5 and $$"),
            ("${ {'a': {'b': 1}}.a }", ["b": 1]), ("${'}' + \"{\"}", "}{"), ("${'it\\'s'}", "it's"),
            ("${data.customer}", ["email": "ada@example.com", "id": 7, "name": "Ada Lovelace"]),
            ("x ${data.customer}", "x {\"email\":\"ada@example.com\",\"id\":7,\"name\":\"Ada Lovelace\"}"),
        ] as [(String, Value)]
    )
    func rendersHolesIntoText(text: String, expected: Value) throws {
        #expect(try render(text) == expected)
    }

    @Test func aSingleHoleKeepsTheValuesType() throws {
        let template = try Template.parse("${random_int(1, 50)}", scope: .producer)
        #expect(template.isSingleExpression)
        #expect(template.constantValue == nil)
        var context = ExpressionFixture.context()
        let value = try template.render(&context)
        guard case .int(let number) = value else {
            Issue.record("expected an int, got \(value)")
            return
        }
        #expect((1...50).contains(number))
        let padded = try Template.parse(" ${random_int(1, 50)}", scope: .producer)
        #expect(!padded.isSingleExpression)
        #expect(try padded.render(&context).stringValue?.hasPrefix(" ") == true)
    }

    @Test func renderStringRendersEvenASingleHoleAsText() throws {
        var context = ExpressionFixture.context()
        #expect(try Template.parse("${data.count * 2}", scope: .consumer).renderString(&context) == "6")
        #expect(try Template.parse("${data.tags}", scope: .consumer).renderString(&context) == "[\"new\",\"vip\"]")
    }

    @Test(arguments: [
        ("static", Value?.some("static")), ("${1 + 2}", 3), ("a${1 + 2}b", "a3b"), ("${env.REGION}", "eu"),
        ("${env.MISSING:-fallback}", "fallback"), ("x-${upper(env.REGION)}", "x-EU"), ("${uuid()}", nil),
        ("${data.x}", nil), ("a ${now()}", nil), ("", ""),
    ])
    func constantValueIsSetOnlyWithoutRunTimeInputs(text: String, expected: Value?) throws {
        let scope: ExpressionScope = text.contains("data") ? .consumer : .producer
        let template = try Template.parse(text, scope: scope, environment: ["REGION": "eu"])
        #expect(template.constantValue == expected)
    }

    @Test(arguments: [
        ("${env.PORT:-8080}", [String: String](), Value.string("8080")),
        ("${env.PORT:-8080}", ["PORT": "9090"], "9090"),
        ("${env.PORT:-8080}", ["PORT": ""], "8080"),
        ("${ env.PORT :- 8080 }", [:], " 8080 "),
        ("url: ${env.HOST:-localhost}:${env.PORT:-80}/x", ["HOST": "h"], "url: h:80/x"),
        ("${env.GREETING:-it's fine}", [:], "it's fine"),
        ("${env.EMPTY:-}", [:], ""),
        ("${env.HOST}", ["HOST": "h"], "h"),
    ])
    func environmentFallbacksApplyWhenTheVariableIsUnsetOrEmpty(
        text: String,
        environment: [String: String],
        expected: Value
    ) throws {
        #expect(try render(text, scope: .producer, environment: environment) == expected)
    }

    @Test func sourceIsKeptVerbatim() throws {
        let text = "a $${ ${ type } "
        #expect(try Template.parse(text, scope: .consumer).source == text)
    }

    @Test(arguments: [
        ExpectedError(
            "Hello ${name",
            .expressionSyntax,
            "unclosed \"${\"",
            at: 6,
            hint: "end the expression with \"}\", or write \"$${\" for a literal \"${\""
        ),
        ExpectedError(
            "${env.X:-abc",
            .expressionSyntax,
            "unclosed \"${\"",
            at: 0,
            hint: "end the expression with \"}\", or write \"$${\" for a literal \"${\""
        ),
        ExpectedError(
            "ok ${ {'a': 1 }",
            .expressionSyntax,
            "unclosed \"${\"",
            at: 3,
            hint: "end the expression with \"}\", or write \"$${\" for a literal \"${\""
        ),
        ExpectedError("a ${'b}", .expressionSyntax, "unterminated string", at: 4, hint: "close the string with '"),
        ExpectedError(
            "id: ${tpye}",
            .expressionType,
            "unknown name \"tpye\"",
            at: 6,
            hint: "did you mean \"type\"?"
        ),
        ExpectedError(
            "é ${type ==}",
            .expressionSyntax,
            "unexpected end of expression",
            at: 11,
            hint: "complete the expression with a value, a name or a function call"
        ),
        ExpectedError(
            "${}",
            .expressionSyntax,
            "unexpected end of expression",
            at: 2,
            hint: "complete the expression with a value, a name or a function call"
        ),
        ExpectedError(
            "a ${1} b ${size(1, 2)}",
            .expressionType,
            "size() takes 1 argument, got 2",
            at: 11,
            hint: "usage: size(x)"
        ),
        ExpectedError(
            "key-${data.id}",
            .expressionType,
            "\"data\" is not available in a producer template",
            at: 6,
            hint: "a producer creates events, so there is none to read; use uuid(), seq(), now(), random_int(a, b) "
                + "or env.NAME",
            scope: .producer
        ),
        ExpectedError(
            "t=${env.TOKEN}",
            .envMissing,
            "environment variable \"TOKEN\" is not set",
            at: 4,
            hint: "set TOKEN or write ${env.TOKEN:-fallback}"
        ),
    ])
    func reportsErrorsAtOffsetsInTheWholeTemplate(expected: ExpectedError) throws {
        do {
            _ = try Template.parse(expected.source, scope: expected.scope)
            Issue.record("expected an error for \(expected.source)")
        } catch {
            #expect(error.rule == expected.rule)
            #expect(error.message == expected.message)
            #expect(error.offset == expected.offset)
            #expect(error.hint == expected.hint)
        }
    }

    @Test func evaluationErrorsInHolesPropagate() throws {
        let template = try Template.parse("n: ${int(data.customer.name)}", scope: .consumer)
        var context = ExpressionFixture.context()
        #expect(throws: EvaluationError("cannot convert \"Ada Lovelace\" to int")) { try template.render(&context) }
    }
}
