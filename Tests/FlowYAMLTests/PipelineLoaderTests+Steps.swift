import FlowCore
import FlowYAML
import Testing

/// Every step kind in every form it may be written, decoded field by field.
extension PipelineLoaderTests {
    @Test func logInShorthandAndMappingForm() throws {
        let steps = try LoaderProbe.steps(
            LoaderProbe.consumerText(
                steps: """
                    - log: "paid ${data.order_id}"
                    - log: { message: "slow ${id}", level: warning }
                    - log: { message: plain }
                    """
            )
        )
        #expect(steps.count == 3)
        let short = try #require(steps[0].kind.log)
        #expect(short.message.source == "paid ${data.order_id}")
        #expect(short.level == .info)
        #expect(LoaderProbe.at(steps[0].location) == "10:9")
        let full = try #require(steps[1].kind.log)
        #expect(full.message.source == "slow ${id}")
        #expect(full.level == .warning)
        #expect(steps[2].kind.log?.message.constantValue == "plain")
        #expect(steps[2].kind.log?.level == .info)
    }

    @Test func emitInShorthandAndMappingForm() throws {
        let steps = try LoaderProbe.steps(
            LoaderProbe.consumerText(
                steps: """
                    - emit: invoices
                    - emit: { to: reviews, type: "Review${type}", key: data.customer, data: { id: "${id}", n: 1 } }
                    - emit: { to: invoices }
                    """
            )
        )
        let short = try #require(steps[0].kind.emit)
        #expect(short.to == "invoices")
        #expect(short.type == nil)
        #expect(short.key == nil)
        #expect(short.data == nil)
        let full = try #require(steps[1].kind.emit)
        #expect(full.to == "reviews")
        #expect(full.type?.source == "Review${type}")
        #expect(full.key?.source == "data.customer")
        #expect(LoaderProbe.describe(full.data) == "{id: template(${id}), n: literal(1)}")
        let bare = try #require(steps[2].kind.emit)
        #expect(bare.to == "invoices")
        #expect(bare.data == nil)
    }

    @Test func execInArgvAndMappingForm() throws {
        let steps = try LoaderProbe.steps(
            LoaderProbe.consumerText(
                steps: """
                    - exec: [python3, pay.py, --live]
                    - exec:
                        command: [./worker]
                        cwd: tools
                        env: { MODE: fast, LEVEL: "3" }
                        permanent_exit_codes: [2, 65]
                        worker: true
                        workers: 2
                    - exec: { command: [sleep, 1.5, true] }
                    """
            )
        )
        let argv = try #require(steps[0].kind.exec)
        #expect(argv.command == ["python3", "pay.py", "--live"])
        #expect(argv.cwd == nil)
        #expect(argv.env.isEmpty)
        #expect(argv.permanentExitCodes.isEmpty)
        #expect(argv.worker == false)
        #expect(argv.workers == nil)
        let full = try #require(steps[1].kind.exec)
        #expect(full.command == ["./worker"])
        #expect(full.cwd == "tools")
        #expect(full.env == ["MODE": "fast", "LEVEL": "3"])
        #expect(full.permanentExitCodes == [2, 65])
        #expect(full.worker)
        #expect(full.workers == 2)
        #expect(
            steps[2].kind.exec?.command == ["sleep", "1.5", "true"],
            "argv words are text whatever YAML makes of them"
        )
    }

    @Test func httpInShorthandAndMappingForm() throws {
        let steps = try LoaderProbe.steps(
            LoaderProbe.consumerText(
                steps: """
                    - http: "https://example.test/hooks/${type}"
                    - http:
                        url: https://example.test/in
                        headers: { Authorization: "Bearer ${env.TOKEN:-dev}", X-Id: "${id}" }
                        timeout: 3s
                        mode: binary
                    """
            )
        )
        let short = try #require(steps[0].kind.http)
        #expect(short.url.source == "https://example.test/hooks/${type}")
        #expect(short.headers.isEmpty)
        #expect(short.timeout == nil)
        #expect(short.mode == .structured)
        let full = try #require(steps[1].kind.http)
        #expect(full.url.constantValue == "https://example.test/in")
        #expect(full.headers.keys.sorted() == ["Authorization", "X-Id"])
        #expect(full.headers["Authorization"]?.constantValue == "Bearer dev")
        #expect(full.headers["X-Id"]?.source == "${id}")
        #expect(full.timeout == .seconds(3))
        #expect(full.mode == .binary)
    }

    @Test func failAsNullExpressionAndMapping() throws {
        let steps = try LoaderProbe.steps(
            LoaderProbe.consumerText(
                steps: """
                    - fail:
                    - fail: attempt < 3
                    - fail: { when: data.card == "stolen", permanent: true, message: "declined ${id}" }
                    - fail: { message: always }
                    """
            )
        )
        let always = try #require(steps[0].kind.fail)
        #expect(always.when == nil)
        #expect(always.permanent == false)
        #expect(always.message == nil)
        let conditional = try #require(steps[1].kind.fail)
        #expect(conditional.when?.source == "attempt < 3")
        #expect(conditional.permanent == false)
        #expect(conditional.message == nil)
        let full = try #require(steps[2].kind.fail)
        #expect(full.when?.source == #"data.card == "stolen""#)
        #expect(full.permanent)
        #expect(full.message?.source == "declined ${id}")
        let messageOnly = try #require(steps[3].kind.fail)
        #expect(messageOnly.when == nil)
        #expect(messageOnly.message?.constantValue == "always")
    }

    @Test func dropBareNullExpressionAndMapping() throws {
        let steps = try LoaderProbe.steps(
            LoaderProbe.consumerText(
                steps: """
                    - drop
                    - drop:
                    - drop: data.amount < 10
                    - drop: { when: "type in [\\"Ping\\", \\"Pong\\"]" }
                    - drop: {}
                    """
            )
        )
        #expect(steps.count == 5)
        #expect(try #require(steps[0].kind.drop) == nil)
        #expect(LoaderProbe.at(steps[0].location) == "10:9")
        #expect(try #require(steps[1].kind.drop) == nil)
        #expect(try #require(steps[2].kind.drop)?.source == "data.amount < 10")
        #expect(try #require(steps[3].kind.drop)?.source == #"type in ["Ping", "Pong"]"#)
        #expect(try #require(steps[4].kind.drop) == nil)
    }

    @Test func routeCasesWithToAndWithSteps() throws {
        let steps = try LoaderProbe.steps(
            LoaderProbe.consumerText(
                steps: """
                    - route:
                        - when: data.amount > 400
                          to: reviews
                        - when: data.amount > 100
                          steps:
                            - log: big
                            - emit: invoices
                        - steps: [drop]
                    """
            )
        )
        let cases = try #require(steps.first?.kind.route)
        #expect(cases.count == 3)
        #expect(cases[0].when?.source == "data.amount > 400")
        #expect(cases[0].to == "reviews")
        #expect(cases[0].steps.isEmpty)
        #expect(LoaderProbe.at(cases[0].location) == "11:13")
        #expect(cases[1].when?.source == "data.amount > 100")
        #expect(cases[1].to == nil)
        #expect(cases[1].steps.count == 2)
        #expect(cases[1].steps[0].kind.log?.message.constantValue == "big")
        #expect(cases[1].steps[1].kind.emit?.to == "invoices")
        #expect(cases[2].when == nil)
        #expect(cases[2].to == nil)
        #expect(try #require(cases[2].steps.first?.kind.drop) == nil)
    }

    @Test func aRouteDefaultCaseMustBeLast() {
        let result = LoaderProbe.load(
            LoaderProbe.consumerText(
                steps: """
                    - route:
                        - to: reviews
                        - when: data.amount > 1
                          to: nowhere
                    """
            )
        )
        #expect(result.pipeline == nil)
        let errors = result.diagnostics.filter { $0.severity == .error }
        #expect(
            errors.map { "\($0.rule.id) \(LoaderProbe.at($0.location))" } == [
                "invalid-value 11:13", "undeclared-topic 13:17",
            ]
        )
        #expect(errors.first?.message == "only the last route case may omit \"when\"")
    }

    @Test func setTargetsKeepTheirPathAndValueTemplate() throws {
        let steps = try LoaderProbe.steps(
            LoaderProbe.consumerText(
                steps: """
                    - set:
                        data.total_cents: "${int(data.amount * 100)}"
                        data.meta.source: shop
                        type: OrderPriced
                        subject: "order-${data.id}"
                        ext.region: eu
                        data: { replaced: true }
                    """
            )
        )
        let assignments = try #require(steps.first?.kind.assignments)
        #expect(
            assignments.map(\.target) == [
                ["data", "total_cents"], ["data", "meta", "source"], ["type"], ["subject"], ["ext", "region"], ["data"],
            ]
        )
        #expect(
            assignments.map { LoaderProbe.describe($0.value) } == [
                "template(${int(data.amount * 100)})", "literal(shop)", "literal(OrderPriced)",
                "template(order-${data.id})", "literal(eu)", "literal({\"replaced\":true})",
            ]
        )
    }

    @Test(arguments: ["ext", "ext.Region", "ext.a.b", "id", "data..x", "source", "data.", "ext.subject", "ext.data"])
    func setRejectsATargetOutsideTheEvent(target: String) {
        let result = LoaderProbe.load(
            LoaderProbe.consumerText(steps: "- set: { \"\(target)\": 1 }")
        )
        #expect(result.pipeline == nil)
        #expect(LoaderProbe.findings(result).contains("invalid-value 10:16"), "\(result.diagnostics)")
        #expect(result.diagnostics.contains { $0.message.hasPrefix("cannot set \"\(target)\"") })
    }

    @Test func settingAnExtensionNamedLikeAnAttributeSaysWhy() throws {
        let result = LoaderProbe.load(LoaderProbe.consumerText(steps: "- set: { ext.time: now }"))
        let error = try #require(result.diagnostics.first { $0.rule == .invalidValue })
        #expect(error.message == #"cannot set "ext.time": "time" is a CloudEvents attribute, not an extension"#)
    }

    @Test func workersWithoutWorkerModeIsAnError() throws {
        let result = LoaderProbe.load(
            LoaderProbe.consumerText(steps: "- exec: { command: [python3, h.py], workers: 2 }")
        )
        #expect(result.pipeline == nil)
        let error = try #require(result.diagnostics.first { $0.severity == .error })
        #expect("\(error.rule.id) \(error.location.line):\(error.location.column)" == "invalid-value 10:52")
        #expect(error.message == "\"workers\" sizes a worker pool, but this exec step runs a process per event")
        #expect(error.hint == "add \"worker: true\" to keep workers alive, or remove \"workers\"")
    }

    @Test(arguments: [
        (
            "- exec: { command: [python3, w.py], worker: true, permanent_exit_codes: [2] }",
            #""permanent_exit_codes" has no effect on an exec worker in consumer "worker""#
        ),
        (
            "- exec: { command: [python3, w.py], worker: true, workers: 3 }",
            #""workers: 3" has no effect beyond the concurrency of consumer "worker" (1): "#
                + "no more requests are ever in flight"
        ),
        (
            "- route:\n    - steps:\n        - exec: { command: [python3, w.py], worker: true, workers: 3 }",
            #""workers: 3" has no effect beyond the concurrency of consumer "worker" (1): "#
                + "no more requests are ever in flight"
        ),
    ])
    func aSettingThatCannotTakeEffectIsAWarning(steps: String, message: String) throws {
        let result = LoaderProbe.load(LoaderProbe.consumerText(steps: steps))
        #expect(result.pipeline != nil, "a warning does not stop the run")
        let warning = try #require(result.diagnostics.first { $0.rule == .settingWithoutEffect })
        #expect(warning.severity == .warning)
        #expect(warning.message == message)
    }

    @Test func everySettingWithoutEffectOfAStepIsReported() {
        let result = LoaderProbe.load(
            LoaderProbe.consumerText(
                steps: "- exec: { command: [python3, w.py], worker: true, workers: 3, permanent_exit_codes: [2] }"
            )
        )
        #expect(result.diagnostics.filter { $0.rule == .settingWithoutEffect }.count == 2)
    }

    @Test func delaysWithinTheTimeoutAndConditionalOnesAreFine() {
        let text = LoaderProbe.consumerText(steps: "- delay: 500ms\n- route:\n    - steps: [{ delay: 5s }]")
            .replacingOccurrences(of: "    from: orders\n", with: "    from: orders\n    timeout: 1s\n")
        let result = LoaderProbe.load(text)
        #expect(result.pipeline?.consumers.first?.timeout == .seconds(1))
        #expect(!result.diagnostics.contains { $0.rule == .timeoutBeforeDelay }, "\(result.diagnostics)")
    }

    @Test func filterDelayAndSwiftSteps() throws {
        let steps = try LoaderProbe.steps(
            LoaderProbe.consumerText(
                steps: """
                    - filter: data.amount > 0
                    - delay: 250ms
                    - swift: enrich
                    """
            ),
            swiftHandlers: ["enrich"]
        )
        #expect(steps[0].kind.filter?.source == "data.amount > 0")
        #expect(steps[1].kind.delay == .milliseconds(250))
        #expect(steps[2].kind.swiftHandler == "enrich")
        let unregistered = LoaderProbe.load(LoaderProbe.consumerText(steps: "- swift: enrich"))
        #expect(LoaderProbe.findings(unregistered).contains("unknown-handler 10:16"))
        #expect(unregistered.pipeline == nil)
    }
}
