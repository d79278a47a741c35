import FlowCLI
import FlowCore
import Testing

struct GraphRendererTests {
    private static let here = SourceLocation(file: "pipelines/shop.yml", line: 1, column: 1)

    private static func emit(_ topic: String) -> Step {
        Step(.emit(Step.Emit(to: topic)), location: here)
    }

    /// A producer with a dead-letter topic, four topics (one partitioned), a consumer with a long filter, a
    /// group, an emit, a route (`to:` shorthand plus an emit nested in a case, repeating the first emit) and a
    /// dead-letter topic, and a second consumer with a short quoted filter.
    private static func shop() throws -> Pipeline {
        let route = Step.Kind.route([
            Step.RouteCase(
                when: try Expression.parse("data.total > 1000", scope: .consumer),
                to: "alerts",
                steps: [],
                location: here
            ),
            Step.RouteCase(when: nil, to: nil, steps: [emit("invoices")], location: here),
        ])
        return Pipeline(
            name: "shop",
            topics: [
                Pipeline.Topic(name: "orders", partitions: 4, location: here),
                Pipeline.Topic(name: "invoices", location: here),
                Pipeline.Topic(name: "alerts", location: here),
                Pipeline.Topic(name: "dead-letters", location: here),
            ],
            producers: [
                Pipeline.Producer(
                    name: "order-file",
                    to: "orders",
                    source: .file(path: "orders.jsonl", type: "order.created"),
                    deadLetter: "dead-letters",
                    location: here
                )
            ],
            consumers: [
                Pipeline.Consumer(
                    name: "billing",
                    from: "orders",
                    group: "payments",
                    filter: try Expression.parse("data.total > 100 && data.currency == \"EUR\"", scope: .consumer),
                    steps: [
                        emit("invoices"),
                        Step(route, location: here),
                        Step(.log(Step.Log(message: try Template.parse("billed", scope: .consumer))), location: here),
                    ],
                    deadLetter: "dead-letters",
                    location: here
                ),
                Pipeline.Consumer(
                    name: "audit",
                    from: "invoices",
                    filter: try Expression.parse("type == \"invoice.created\"", scope: .consumer),
                    steps: [],
                    location: here
                ),
            ],
            location: here
        )
    }

    @Test func mermaidDrawsEveryNodeAndEdgeInDeclarationOrder() throws {
        let expected = """
            flowchart LR
                p_order_file(["order-file"])
                t_orders[("orders ×4")]
                t_invoices[("invoices")]
                t_alerts[("alerts")]
                t_dead_letters[("dead-letters")]
                c_billing["billing<br/>group: payments"]
                c_audit["audit"]
                p_order_file --> t_orders
                p_order_file -.->|dead letter| t_dead_letters
                t_orders -->|"data.total #gt; 100 #amp;#amp; data.currency == #quot;E…"| c_billing
                c_billing -->|emit| t_invoices
                c_billing -->|emit| t_alerts
                c_billing -.->|dead letter| t_dead_letters
                t_invoices -->|"type == #quot;invoice.created#quot;"| c_audit
            """
        #expect(GraphRenderer.render(try Self.shop(), format: .mermaid) == expected)
    }

    @Test func dotDrawsEveryNodeAndEdgeInDeclarationOrder() throws {
        let expected = #"""
            digraph "shop" {
                rankdir=LR;
                p_order_file [label="order-file", shape=box, style=rounded];
                t_orders [label="orders ×4", shape=cylinder];
                t_invoices [label="invoices", shape=cylinder];
                t_alerts [label="alerts", shape=cylinder];
                t_dead_letters [label="dead-letters", shape=cylinder];
                c_billing [label="billing\ngroup: payments", shape=box];
                c_audit [label="audit", shape=box];
                p_order_file -> t_orders;
                p_order_file -> t_dead_letters [style=dashed, color=red, label="dead letter"];
                t_orders -> c_billing [label="data.total > 100 && data.currency == \"E…"];
                c_billing -> t_invoices [label="emit"];
                c_billing -> t_alerts [label="emit"];
                c_billing -> t_dead_letters [style=dashed, color=red, label="dead letter"];
                t_invoices -> c_audit [label="type == \"invoice.created\""];
            }
            """#
        #expect(GraphRenderer.render(try Self.shop(), format: .dot) == expected)
    }

    /// Names that sanitise alike get numbered ids, kinds never share one, quotes and backslashes are escaped,
    /// a multi-line filter becomes one line, and a topic that is used but not declared still gets a node.
    private static func awkward() throws -> Pipeline {
        Pipeline(
            name: "say \"hi\"",
            topics: [
                Pipeline.Topic(name: "a-b", location: here),
                Pipeline.Topic(name: "a_b", location: here),
                Pipeline.Topic(name: "a.b", location: here),
            ],
            producers: [
                Pipeline.Producer(name: "a-b", to: "a-b", source: .stdin(type: nil), location: here)
            ],
            consumers: [
                Pipeline.Consumer(
                    name: "the \"end\"",
                    from: "a_b",
                    filter: try Expression.parse("data.x\n  == \"\\\\\"", scope: .consumer),
                    steps: [emit("zz<top>")],
                    location: here
                )
            ],
            location: here
        )
    }

    @Test func mermaidSanitisesIdsAndEscapesLabels() throws {
        let expected = """
            flowchart LR
                p_a_b(["a-b"])
                t_a_b[("a-b")]
                t_a_b_2[("a_b")]
                t_a_b_3[("a.b")]
                t_zz_top_[("zz#lt;top#gt;")]
                c_the__end_["the #quot;end#quot;"]
                p_a_b --> t_a_b
                t_a_b_2 -->|"data.x == #quot;\\\\#quot;"| c_the__end_
                c_the__end_ -->|emit| t_zz_top_
            """
        #expect(GraphRenderer.render(try Self.awkward(), format: .mermaid) == expected)
    }

    @Test func dotSanitisesIdsAndEscapesLabels() throws {
        let expected = #"""
            digraph "say \"hi\"" {
                rankdir=LR;
                p_a_b [label="a-b", shape=box, style=rounded];
                t_a_b [label="a-b", shape=cylinder];
                t_a_b_2 [label="a_b", shape=cylinder];
                t_a_b_3 [label="a.b", shape=cylinder];
                t_zz_top_ [label="zz<top>", shape=cylinder];
                c_the__end_ [label="the \"end\"", shape=box];
                p_a_b -> t_a_b;
                t_a_b_2 -> c_the__end_ [label="data.x == \"\\\\\""];
                c_the__end_ -> t_zz_top_ [label="emit"];
            }
            """#
        #expect(GraphRenderer.render(try Self.awkward(), format: .dot) == expected)
    }

    @Test func anHTTPProducerShowsWhereEventsArrive() {
        let pipeline = Pipeline(
            name: "web",
            topics: [Pipeline.Topic(name: "orders", location: Self.here)],
            producers: [
                Pipeline.Producer(
                    name: "shop",
                    to: "orders",
                    source: .http(listen: "127.0.0.1:8080", path: "/events"),
                    location: Self.here
                )
            ],
            location: Self.here
        )
        let mermaid = GraphRenderer.render(pipeline, format: .mermaid)
        #expect(mermaid.contains(#"p_shop(["shop<br/>POST 127.0.0.1:8080/events"])"#), "\(mermaid)")
        let dot = GraphRenderer.render(pipeline, format: .dot)
        #expect(
            dot.contains(#"p_shop [label="shop\nPOST 127.0.0.1:8080/events", shape=box, style=rounded];"#),
            "\(dot)"
        )
    }

    @Test func anEmptyPipelineIsAnEmptyDiagram() {
        let empty = Pipeline(name: "empty", location: Self.here)
        #expect(GraphRenderer.render(empty, format: .mermaid) == "flowchart LR")
        #expect(GraphRenderer.render(empty, format: .dot) == "digraph \"empty\" {\n    rankdir=LR;\n}")
    }

    @Test func formatNamesAreStable() {
        #expect(GraphFormat.allCases.map(\.rawValue) == ["mermaid", "dot"])
    }
}
