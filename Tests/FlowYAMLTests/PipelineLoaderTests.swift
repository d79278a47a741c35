import FlowCore
import FlowYAML
import Testing

/// The model `PipelineLoader` builds, asserted field by field: topics, producers, consumers, defaults,
/// environment variables and the file-level rules. Step kinds live in `PipelineLoaderTests+Steps.swift`.
struct PipelineLoaderTests {
    // MARK: Topics

    @Test func topicsKeepTheirSettingsAndDeclarationOrder() throws {
        let result = LoaderProbe.load(
            """
            version: 1
            topics:
              orders: { partitions: 4, key: data.customer_id, capacity: 64 }
              payments: {}
              refunds:
              audit:
                partitions: 2
                description: kept for a year
            consumers:
              all:
                from: orders
                steps: [drop]
            """
        )
        let pipeline = try #require(result.pipeline)
        #expect(pipeline.topics.map(\.name) == ["orders", "payments", "refunds", "audit"])
        let orders = try #require(pipeline.topic(named: "orders"))
        #expect(orders.partitions == 4)
        #expect(orders.key?.source == "data.customer_id")
        #expect(orders.capacity == 64)
        #expect(LoaderProbe.at(orders.location) == "3:3")
        for name in ["payments", "refunds"] {
            let topic = try #require(pipeline.topic(named: name))
            #expect(topic.partitions == 1)
            #expect(topic.key == nil)
            #expect(topic.capacity == Pipeline.Topic.defaultCapacity)
        }
        #expect(pipeline.topic(named: "audit")?.partitions == 2)
        #expect(pipeline.topic(named: "audit")?.capacity == 1024)
        #expect(
            LoaderProbe.findings(result) == ["unread-topic 4:3", "unread-topic 5:3", "unread-topic 6:3"]
        )
    }

    // MARK: Producers

    @Test func generateKeepsCountRateAndEveryEventTemplate() throws {
        let result = LoaderProbe.load(
            """
            version: 1
            topics:
              orders: {}
            producers:
              shop:
                to: orders
                generate:
                  count: 250
                  rate: 30/m
                  event:
                    type: "Order${seq() % 2 == 0 ? \\"Created\\" : \\"Updated\\"}"
                    source: shop/eu
                    subject: "order-${seq()}"
                    extensions: { region: eu, tenant: "t-${random_int(1, 3)}" }
                    data:
                      order_id: "${uuid()}"
                      n: "${seq()}"
                      label: "order #${seq()}"
                      currency: EUR
                      amount: 12.5
                      paid: false
                      note: ~
                      tags: [new, "${seq()}"]
                      fixed: [1, two]
                      customer: { id: 7, name: "c-${seq()}" }
            consumers:
              sink:
                from: orders
                steps: [drop]
            """
        )
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let pipeline = try #require(result.pipeline)
        let producer = try #require(pipeline.producers.first)
        #expect(producer.name == "shop")
        #expect(producer.to == "orders")
        #expect(producer.deadLetter == nil)
        #expect(LoaderProbe.at(producer.location) == "5:3")
        let generate = try #require(producer.source.generate)
        #expect(generate.count == 250)
        #expect(generate.rate == Rate(count: 30, per: .seconds(60)))
        let event = generate.event
        #expect(event.type.source == #"Order${seq() % 2 == 0 ? "Created" : "Updated"}"#)
        #expect(event.type.constantValue == nil)
        #expect(event.source?.source == "shop/eu")
        #expect(event.source?.constantValue == "shop/eu")
        #expect(event.subject?.source == "order-${seq()}")
        #expect(event.extensions.keys.sorted() == ["region", "tenant"])
        #expect(event.extensions["region"]?.constantValue == "eu")
        #expect(event.extensions["tenant"]?.source == "t-${random_int(1, 3)}")
        #expect(
            LoaderProbe.describe(event.data)
                == "{amount: literal(12.5), currency: literal(EUR), customer: {id: literal(7), "
                + "name: template(c-${seq()})}, fixed: literal([1,\"two\"]), label: template(order #${seq()}), "
                + "n: template(${seq()}), note: literal(null), order_id: template(${uuid()}), "
                + "paid: literal(false), tags: [literal(new), template(${seq()})]}"
        )
    }

    @Test func aGeneratedExtensionCannotBeNamedLikeAnAttribute() throws {
        let result = LoaderProbe.load(
            """
            version: 1
            topics:
              orders: {}
            producers:
              shop:
                to: orders
                generate: { count: 1, event: { type: T, extensions: { subject: x } } }
            consumers:
              sink: { from: orders, steps: [drop] }
            """
        )
        #expect(result.pipeline == nil)
        let error = try #require(result.diagnostics.first { $0.severity == .error })
        #expect(error.message == "\"subject\" is a CloudEvents attribute, not an extension")
        #expect(error.location.line == 7)
    }

    @Test func generateWithoutCountOrRateIsUnboundedAndUnthrottled() throws {
        let pipeline = try #require(
            LoaderProbe.load(
                """
                version: 1
                topics: { ticks: {} }
                producers:
                  clock: { to: ticks, generate: { event: { type: Tick } } }
                consumers:
                  c: { from: ticks, steps: [drop] }
                """
            ).pipeline
        )
        let generate = try #require(pipeline.producers.first?.source.generate)
        #expect(generate.count == nil)
        #expect(generate.rate == nil)
        #expect(generate.event.type.constantValue == "Tick")
        #expect(generate.event.source == nil)
        #expect(generate.event.subject == nil)
        #expect(generate.event.extensions.isEmpty)
        #expect(LoaderProbe.describe(generate.event.data) == "literal(null)")
    }

    @Test func fileAndStdinProducersInEveryForm() throws {
        let result = LoaderProbe.load(
            """
            version: 1
            topics:
              orders: {}
              bad: {}
            producers:
              replay:
                to: orders
                file: data/orders.jsonl
              typed:
                to: orders
                file: { path: data/bare.jsonl, type: OrderCreated }
                dead_letter: bad
              piped:
                to: orders
                stdin:
              typed-pipe:
                to: orders
                stdin: { type: OrderImported }
            consumers:
              sink: { from: orders, steps: [drop] }
              quarantine: { from: bad, steps: [drop] }
            """
        )
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let producers = try #require(result.pipeline?.producers)
        #expect(producers.map(\.name) == ["replay", "typed", "piped", "typed-pipe"])
        let replay = try #require(producers[0].source.file)
        #expect(replay.path == "data/orders.jsonl")
        #expect(replay.type == nil)
        let typed = try #require(producers[1].source.file)
        #expect(typed.path == "data/bare.jsonl")
        #expect(typed.type == "OrderCreated")
        #expect(producers[1].deadLetter == "bad")
        #expect(producers[2].source.stdin == .some(nil))
        #expect(producers[3].source.stdin == .some("OrderImported"))
        #expect(producers.allSatisfy { $0.to == "orders" })
    }

    // MARK: Consumers and defaults

    @Test func aConsumerWithoutSettingsGetsTheDocumentedDefaults() throws {
        let pipeline = try #require(
            LoaderProbe.load(
                """
                version: 1
                topics: { orders: {} }
                consumers:
                  billing:
                    from: orders
                    steps: [drop]
                """
            ).pipeline
        )
        let billing = try #require(pipeline.consumers.first)
        #expect(billing.name == "billing")
        #expect(billing.from == "orders")
        #expect(billing.group == "billing")
        #expect(billing.concurrency == 1)
        #expect(billing.filter == nil)
        #expect(billing.timeout == nil)
        #expect(billing.retry == .none)
        #expect(billing.retry.maxAttempts == 1)
        #expect(billing.deadLetter == nil)
        #expect(billing.circuitBreaker == nil)
        #expect(LoaderProbe.at(billing.location) == "4:3")
    }

    @Test func everyConsumerSettingIsRead() throws {
        let result = LoaderProbe.load(
            """
            version: 1
            topics: { orders: {}, orders.dlq: {} }
            consumers:
              billing:
                from: orders
                group: finance
                concurrency: 8
                filter: data.amount > 0 && type == "OrderCreated"
                timeout: 1.5s
                retry:
                  max_attempts: 5
                  backoff: linear
                  initial: 250ms
                  max: 2m
                  multiplier: 1.5
                  jitter: equal
                dead_letter: orders.dlq
                circuit_breaker: { failures: 10, open_for: 30s }
                description: charges cards
                steps: [drop]
              dlq: { from: orders.dlq, steps: [drop] }
            """
        )
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let billing = try #require(result.pipeline?.consumers.first)
        #expect(billing.group == "finance")
        #expect(billing.concurrency == 8)
        #expect(billing.filter?.source == #"data.amount > 0 && type == "OrderCreated""#)
        #expect(billing.timeout == .milliseconds(1500))
        #expect(
            billing.retry
                == RetryPolicy(
                    maxAttempts: 5,
                    backoff: .linear,
                    initial: .milliseconds(250),
                    max: .seconds(120),
                    multiplier: 1.5,
                    jitter: .equal
                )
        )
        #expect(billing.deadLetter == "orders.dlq")
        #expect(billing.circuitBreaker == CircuitBreakerPolicy(failures: 10, openFor: .seconds(30)))
    }

    @Test func retryGivenAtAllMeansThreeAttemptsWithTheDefaultBackoff() throws {
        let result = LoaderProbe.load(
            """
            version: 1
            topics: { orders: {}, orders.dlq: {} }
            consumers:
              empty-retry: { from: orders, retry: {}, dead_letter: orders.dlq, steps: [drop] }
              backoff-only: { from: orders, retry: { backoff: constant }, dead_letter: orders.dlq, steps: [drop] }
              no-retry: { from: orders, steps: [drop] }
              dlq: { from: orders.dlq, steps: [drop] }
            """
        )
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let consumers = try #require(result.pipeline?.consumers)
        #expect(consumers[0].retry == RetryPolicy(maxAttempts: 3))
        #expect(consumers[0].retry.backoff == .exponential)
        #expect(consumers[0].retry.initial == .milliseconds(100))
        #expect(consumers[0].retry.max == .seconds(10))
        #expect(consumers[0].retry.multiplier == 2)
        #expect(consumers[0].retry.jitter == RetryPolicy.Jitter.none)
        #expect(consumers[1].retry == RetryPolicy(maxAttempts: 3, backoff: .constant))
        #expect(consumers[2].retry.maxAttempts == 1)
    }

    @Test func defaultsFillAbsentKeysWholeAndRetryAndBreakerKeysOneByOne() throws {
        let result = LoaderProbe.load(
            """
            version: 1
            defaults:
              concurrency: 4
              timeout: 1s
              dead_letter: orders.dlq
              retry: { max_attempts: 5, backoff: linear, initial: 50ms, max: 1s }
              circuit_breaker: { failures: 3, open_for: 10s }
            topics: { orders: {}, orders.dlq: {}, other.dlq: {} }
            consumers:
              plain:
                from: orders
                steps: [drop]
              own:
                from: orders
                concurrency: 1
                timeout: 500ms
                dead_letter: other.dlq
                retry: { max_attempts: 2, jitter: full }
                circuit_breaker: { open_for: 1m }
                steps: [drop]
            """
        )
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let consumers = try #require(result.pipeline?.consumers)
        let plain = consumers[0]
        #expect(plain.concurrency == 4)
        #expect(plain.timeout == .seconds(1))
        #expect(plain.deadLetter == "orders.dlq")
        #expect(
            plain.retry == RetryPolicy(maxAttempts: 5, backoff: .linear, initial: .milliseconds(50), max: .seconds(1))
        )
        #expect(plain.circuitBreaker == CircuitBreakerPolicy(failures: 3, openFor: .seconds(10)))
        let own = consumers[1]
        #expect(own.concurrency == 1)
        #expect(own.timeout == .milliseconds(500))
        #expect(own.deadLetter == "other.dlq")
        #expect(
            own.retry
                == RetryPolicy(
                    maxAttempts: 2,
                    backoff: .linear,
                    initial: .milliseconds(50),
                    max: .seconds(1),
                    jitter: .full
                )
        )
        #expect(own.circuitBreaker == CircuitBreakerPolicy(failures: 3, openFor: .seconds(60)))
    }

    @Test func aPartialBreakerIsCompletedOnlyByDefaults() throws {
        let completed = LoaderProbe.load(
            """
            version: 1
            topics: { orders: {} }
            consumers:
              billing: { from: orders, circuit_breaker: { failures: 2 }, steps: [drop] }
            defaults:
              circuit_breaker: { failures: 5, open_for: 20s }
            """
        )
        #expect(completed.diagnostics.isEmpty, "\(completed.diagnostics)")
        let breaker = try #require(completed.pipeline?.consumers.first?.circuitBreaker)
        #expect(breaker == CircuitBreakerPolicy(failures: 2, openFor: .seconds(20)))
        let alone = LoaderProbe.load(
            """
            version: 1
            topics: { orders: {} }
            consumers:
              billing: { from: orders, circuit_breaker: { failures: 2 }, steps: [drop] }
            defaults:
              retry: { max_attempts: 1 }
            """
        )
        #expect(alone.pipeline == nil)
        #expect(LoaderProbe.findings(alone) == ["missing-key 4:28"])
        #expect(
            alone.diagnostics.first?.message == "\"circuit_breaker\" in consumer \"billing\" is missing \"open_for\""
        )
    }

    @Test func aRetryFromDefaultsKeepsItsBoundsCheckPerConsumer() {
        let result = LoaderProbe.load(
            """
            version: 1
            defaults:
              retry: { initial: 5s }
            topics: { orders: {}, orders.dlq: {} }
            consumers:
              low:
                from: orders
                dead_letter: orders.dlq
                retry: { max: 1s }
                steps: [drop]
              fine:
                from: orders.dlq
                retry: { max: 10s }
                steps: [drop]
            """
        )
        #expect(result.pipeline == nil)
        #expect(
            result.diagnostics.map { "\($0.rule.id) \($0.location.line):\($0.location.column) \($0.message)" }
                == [
                    "retry-bounds 9:19 retry \"max\" (1s) of consumer \"low\" is below \"initial\" (5s)",
                    "retry-without-dead-letter 11:3 consumer \"fine\" retries up to 3 attempts but has no "
                        + "dead-letter topic: an exhausted event fails the run",
                ]
        )
    }

    // MARK: Pipeline-level fields and the environment

    @Test(arguments: [
        ("pipelines/orders.yml", "orders"),
        ("deep/dir/billing.yaml", "billing"),
        ("no-extension", "no-extension"),
        ("archive.yml.bak", "archive.yml.bak"),
    ])
    func nameDefaultsToTheFileStem(file: String, name: String) throws {
        let pipeline = try #require(
            LoaderProbe.load("version: 1\ntopics: {}\n", file: file).pipeline
        )
        #expect(pipeline.name == name)
        #expect(pipeline.version == 1)
        #expect(pipeline.broker == .memory)
        #expect(pipeline.location.file == file)
    }

    @Test func anExplicitNameAndBrokerWin() throws {
        let pipeline = try #require(
            LoaderProbe.load("version: 1\nname: shop\nbroker: sqlite://flow.db\ntopics: {}\n").pipeline
        )
        #expect(pipeline.name == "shop")
        #expect(pipeline.broker == .sqlite(path: "flow.db", durability: .full))
    }

    @Test func environmentVariablesAreSubstitutedInTextAndTemplates() throws {
        let result = LoaderProbe.load(
            """
            version: 1
            broker: "sqlite://${env.DATA_DIR}/flow.db"
            topics:
              orders: { key: "env.KEY_FIELD == \\"id\\" ? id : subject" }
            producers:
              shop:
                to: orders
                generate:
                  event:
                    type: "${env.EVENT_TYPE:-OrderCreated}"
                    source: "${env.REGION}/shop"
                    data: { region: "${env.REGION}", zone: "${env.ZONE:-z1}", n: "${seq()}" }
            consumers:
              pay:
                from: orders
                steps:
                  - exec:
                      command: [python3, "${env.SCRIPTS:-scripts}/pay.py", "--region=${env.REGION}"]
                      cwd: "${env.DATA_DIR}"
                      env: { TOKEN: "${env.TOKEN:-none}" }
                  - exec: ["${env.BIN}/notify"]
                  - log: "region ${env.REGION}: ${data.n}"
            """,
            environment: ["DATA_DIR": "/var/flow", "REGION": "eu", "BIN": "/opt/bin", "KEY_FIELD": "id"]
        )
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let pipeline = try #require(result.pipeline)
        #expect(pipeline.broker == .sqlite(path: "/var/flow/flow.db", durability: .full))
        #expect(pipeline.topics[0].key != nil)
        let event = try #require(pipeline.producers.first?.source.generate).event
        #expect(event.type.constantValue == "OrderCreated")
        #expect(event.source?.constantValue == "eu/shop")
        #expect(
            LoaderProbe.describe(event.data) == "{n: template(${seq()}), region: literal(eu), zone: literal(z1)}"
        )
        let steps = try #require(pipeline.consumers.first).steps
        let exec = try #require(steps[0].kind.exec)
        #expect(exec.command == ["python3", "scripts/pay.py", "--region=eu"])
        #expect(exec.cwd == "/var/flow")
        #expect(exec.env == ["TOKEN": "none"])
        #expect(steps[1].kind.exec?.command == ["/opt/bin/notify"])
        #expect(steps[2].kind.log?.message.source == "region ${env.REGION}: ${data.n}")
    }

    @Test func aMissingVariableWithoutFallbackIsReportedWhereverItIsUsed() {
        let result = LoaderProbe.load(
            """
            version: 1
            broker: "${env.BROKER}"
            topics: { orders: {} }
            consumers:
              pay:
                from: orders
                steps:
                  - exec: [python3, "${env.SCRIPT}"]
                  - log: "x ${env.GONE:-ok} ${env.NOPE}"
            """
        )
        #expect(result.pipeline == nil)
        #expect(LoaderProbe.findings(result) == ["env-missing 2:12", "env-missing 8:28", "env-missing 9:35"])
        #expect(result.diagnostics.map(\.message).allSatisfy { $0.contains("is not set") })
    }

    // MARK: Errors

    @Test func aFileWithManyMistakesReportsEveryOneInOrder() {
        let result = LoaderProbe.load(
            """
            version: 1
            naem: shop
            topics:
              orders: { partitions: 0 }
              orders.dlq: {}
            producers:
              shop:
                to: order
                generate:
                  rate: fast
                  event: { type: OrderCreated }
            consumers:
              billing:
                from: orders
                timeout: 2 seconds
                retry: { max_attempts: 3, initial: 2s, max: 1s }
                dead_letter: orders
                steps:
                  - emitt: orders.dlq
                  - filter: data.amount >
              audit:
                from: orders
                concurrency: many
            """
        )
        #expect(result.pipeline == nil)
        #expect(
            LoaderProbe.findings(result) == [
                "unknown-key 2:1",
                "invalid-value 4:25",
                "unread-topic 5:3",
                "undeclared-topic 8:9",
                "invalid-rate 10:13",
                "invalid-duration 15:14",
                "retry-bounds 16:49",
                "dead-letter-self 17:18",
                "unknown-step 19:9",
                "expression-syntax 20:30",
                "missing-key 21:3",
                "wrong-type 23:18",
            ]
        )
        #expect(result.diagnostics.filter { $0.severity == .warning }.map(\.rule) == [.unreadTopic])
    }

    @Test(arguments: [
        ("version: 1\ntopics: { orders: {} }\n", true),
        ("version: 1\ntopics: { orders: {} }\nproducers: { p: { to: orders, stdin: } }\n", true),
        ("version: 2\ntopics: {}\n", false),
        ("version: 1\n", false),
        ("", false),
        ("version: 1\ntopics: [\n", false),
        ("- just\n- a list\n", false),
        ("version: 1\ntopics: { a: {} }\ndefaults: { retry: { max_attempts: 9 } }\n", true),
    ])
    func aPipelineExistsExactlyWhenThereIsNoError(text: String, loads: Bool) {
        let result = LoaderProbe.load(text)
        #expect((result.pipeline != nil) == loads)
        #expect(result.diagnostics.hasErrors == !loads, "\(result.diagnostics)")
        #expect(result.source == text)
    }

    @Test func warningsAloneStillYieldAPipeline() throws {
        let result = LoaderProbe.load(
            """
            version: 1
            topics: { orders: {}, audit: {} }
            consumers:
              billing: { from: orders, retry: { max_attempts: 4 }, steps: [drop] }
            """
        )
        #expect(LoaderProbe.findings(result) == ["unread-topic 2:23", "retry-without-dead-letter 4:3"])
        #expect(result.diagnostics.allSatisfy { $0.severity == .warning })
        let pipeline = try #require(result.pipeline)
        #expect(pipeline.consumers.first?.retry.maxAttempts == 4)
    }

    // MARK: YAML

    @Test func onlyTrueAndFalseAreBooleansInEventData() throws {
        let result = LoaderProbe.load(
            """
            version: 1
            topics: { orders: {} }
            producers:
              shop:
                to: orders
                generate:
                  event:
                    type: OrderCreated
                    data: { country: NO, answer: yes, switch: off, flag: true, other: False, empty: null }
            consumers:
              c: { from: orders, steps: [drop] }
            """
        )
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let event = try #require(result.pipeline?.producers.first?.source.generate).event
        #expect(
            LoaderProbe.describe(event.data)
                == #"literal({"answer":"yes","country":"NO","empty":null,"flag":true,"other":"False","switch":"off"})"#
        )
    }

    @Test func anAnchoredRetryIsSharedByTwoConsumersThroughMergeKeys() throws {
        let anchored = LoaderProbe.load(
            """
            version: 1
            topics: { orders: {}, payments: {}, failed: {} }
            consumers:
              billing:
                from: orders
                retry: &standard_retry { max_attempts: 4, backoff: exponential, initial: 20ms, max: 2s }
                dead_letter: failed
                steps: [drop]
              payouts:
                from: payments
                retry:
                  <<: *standard_retry
                  max_attempts: 6
                dead_letter: failed
                steps: [drop]
              refunds:
                from: payments
                retry: *standard_retry
                dead_letter: failed
                steps: [drop]
              failures: { from: failed, steps: [drop] }
            """
        )
        #expect(anchored.diagnostics.isEmpty, "\(anchored.diagnostics)")
        let consumers = try #require(anchored.pipeline?.consumers)
        let standard = RetryPolicy(maxAttempts: 4, initial: .milliseconds(20), max: .seconds(2))
        #expect(consumers[0].retry == standard)
        #expect(consumers[1].retry == RetryPolicy(maxAttempts: 6, initial: .milliseconds(20), max: .seconds(2)))
        #expect(consumers[2].retry == standard)
    }

    @Test func aMergedMappingOfWholeConsumerSettingsIsValidated() throws {
        let result = LoaderProbe.load(
            """
            version: 1
            topics: { orders: {}, orders.dlq: {} }
            consumers:
              billing: &worker
                from: orders
                concurrency: 3
                dead_letter: orders.dlq
                retry: { max_attempts: 2 }
                steps: [drop]
              shipping:
                <<: *worker
                concurrency: 5
                retyr: { max_attempts: 9 }
              dlq: { from: orders.dlq, steps: [drop] }
            """
        )
        #expect(LoaderProbe.findings(result) == ["unknown-key 13:5"])
        #expect(result.diagnostics.first?.hint == "did you mean \"retry\"?")
    }
}
