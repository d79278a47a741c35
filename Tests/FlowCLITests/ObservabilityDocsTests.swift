import FlowYAML
import Foundation
import Testing

/// docs/observability.md, its Grafana dashboard and its Prometheus alerts stay true to what `flow run` exposes:
/// every metric and label their expressions use is in the exposition of real runs (read by prometheus_client)
/// and in the docs' table, and every metric family the runs expose is in that table with its type and labels.
struct ObservabilityDocsTests {
    static let docs = ChildProcess.packageRoot.appendingPathComponent("docs")

    /// Retries, dead letters, a `delay` step, emitted events, filtered and dropped records, a malformed input
    /// line and a breaker that opens whatever the timing (every attempt of `flaky` fails), with no `exec` or
    /// `http` step.
    static let pipeline = """
        version: 1
        name: observed
        topics:
          jobs: { partitions: 2, key: data.k }
          jobs.dlq: {}
          done: {}
          intake.rejected: {}
          flaky: {}
          flaky.dlq: {}
        producers:
          gen:
            to: jobs
            generate:
              count: 60
              event: { type: Job, data: { n: "${seq()}", k: "k-${seq() % 4}" } }
          intake:
            to: jobs
            file: { path: intake.jsonl, type: Job }
            dead_letter: intake.rejected
          pokes:
            to: flaky
            generate: { count: 4, event: { type: Poke, data: {} } }
        consumers:
          work:
            from: jobs
            retry: { max_attempts: 3, backoff: constant, initial: 5ms }
            dead_letter: jobs.dlq
            steps:
              - filter: data.n % 7 != 3
              - drop: { when: data.n % 11 == 5 }
              - delay: 1ms
              - fail: { when: data.n % 10 == 0, permanent: true, message: "declined" }
              - fail: { when: data.n % 3 == 0 && attempt < 2, message: "busy" }
              - emit: done
          flaky:
            from: flaky
            retry: { max_attempts: 1 }
            dead_letter: flaky.dlq
            circuit_breaker: { failures: 2, open_for: 10ms }
            steps:
              - fail: { message: "down" }
        """

    /// Label names an expression may use that flow does not expose: Prometheus's own and the histogram bound.
    static let prometheusLabels: Set<String> = ["le", "instance", "job"]

    /// A metric and the labels an expression, a dashboard variable or the docs' table names.
    struct Names {
        var metrics: Set<String> = []
        var labels: Set<String> = []

        mutating func formUnion(_ other: Names) {
            metrics.formUnion(other.metrics)
            labels.formUnion(other.labels)
        }
    }

    /// One row of the table of docs/observability.md.
    struct DocumentedMetric {
        var name: String
        var type: String
        var labels: Set<String>
    }

    // MARK: The exposition

    /// The final exposition of `pipelines/retry-and-dlq.yml` and of `pipeline`, run for real with
    /// `--until-idle --metrics-file`, as prometheus_client reads it.
    static func exposition() throws -> [MetricsExportTests.Family] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-observability-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let observed = directory.appendingPathComponent("observed.yml").path
        try pipeline.write(toFile: observed, atomically: true, encoding: .utf8)
        try "{\"n\": 1001, \"k\": \"x\"}\nnot json\n{\"n\": 1002, \"k\": \"y\"}\n".write(
            to: directory.appendingPathComponent("intake.jsonl"),
            atomically: true,
            encoding: .utf8
        )
        let runs = [
            ChildProcess.packageRoot.appendingPathComponent("pipelines/retry-and-dlq.yml").path, observed,
        ]
        var families: [MetricsExportTests.Family] = []
        for (index, file) in runs.enumerated() {
            let output = directory.appendingPathComponent("run-\(index).prom").path
            let outcome = try ChildProcess.run(
                try FlowBinaryTests.flowBinary(),
                ["run", file, "--until-idle", "--no-progress", "--metrics-file", output],
                in: directory
            )
            try #require(outcome.status == 0, "flow run \(file) failed: \(outcome)")
            families += try MetricsExportTests.parse(output).families
        }
        return families
    }

    /// The metric names an expression over `families` may use (a counter's `_total`, a histogram's `_bucket`,
    /// `_sum` and `_count`, as samples are named) and the label names they carry.
    static func exposed(_ families: [MetricsExportTests.Family]) -> Names {
        var names = Names()
        for family in families {
            names.metrics.insert(family.name)
            for sample in family.samples {
                names.metrics.insert(sample.name)
                names.labels.formUnion(sample.labels.keys)
            }
        }
        return names
    }

    // MARK: Names in expressions

    /// The metric and label names `expression` (PromQL) uses: identifiers matching `(flow|messaging)_[a-z_]+`
    /// outside label lists and matchers are metrics; every identifier in `by (…)`, `without (…)`, `on (…)`,
    /// `ignoring (…)`, `group_left (…)`, `group_right (…)` and before a matcher's operator is a label.
    static func names(in expression: String) -> Names {
        var names = Names()
        var rest = expression.replacing(#/"(?:[^"\\]|\\.)*"/#, with: "\"\"")
        for match in rest.matches(of: #/label_values\(\s*(\w+)\s*,\s*(\w+)\s*\)/#) {
            names.metrics.insert(String(match.1))
            names.labels.insert(String(match.2))
        }
        rest = rest.replacing(#/label_values\([^)]*\)/#, with: " ")
        let grouping = #/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/#
        for match in rest.matches(of: grouping) {
            names.labels.formUnion(match.1.matches(of: #/[A-Za-z_][A-Za-z0-9_]*/#).map { String($0.output) })
        }
        rest = rest.replacing(grouping, with: " ")
        for match in rest.matches(of: #/\{([^}]*)\}/#) {
            for matcher in match.1.matches(of: #/([A-Za-z_][A-Za-z0-9_]*)\s*(?:=~|!~|!=|=)/#) {
                names.labels.insert(String(matcher.1))
            }
        }
        rest = rest.replacing(#/\{[^}]*\}/#, with: " ")
        names.metrics.formUnion(rest.matches(of: #/\b(?:flow|messaging)_[a-z_]+\b/#).map { String($0.output) })
        return names
    }

    /// Every `expr` of the Grafana dashboard, and the queries of its template variables.
    static func dashboardExpressions() throws -> [String] {
        let data = try Data(contentsOf: docs.appendingPathComponent("observability/grafana-dashboard.json"))
        let dashboard = try #require(
            try JSONSerialization.jsonObject(with: data) as? [String: Any],
            "grafana-dashboard.json is not a JSON object"
        )
        #expect(dashboard["schemaVersion"] as? Int == 39)
        var expressions: [String] = []
        func collect(_ value: Any) {
            if let object = value as? [String: Any] {
                for (key, child) in object {
                    if key == "expr", let text = child as? String { expressions.append(text) } else { collect(child) }
                }
            } else if let array = value as? [Any] {
                array.forEach(collect)
            }
        }
        collect(dashboard["panels"] ?? [])
        let variables = (dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        #expect(variables.contains { $0["name"] as? String == "datasource" && $0["query"] as? String == "prometheus" })
        for variable in variables where variable["type"] as? String == "query" {
            expressions.append(try #require(variable["definition"] as? String, "a query variable without definition"))
        }
        return expressions
    }

    /// Every rule's `expr` in alerts.yml, read as YAML; each rule must also have a severity and its
    /// summary and description.
    static func alertExpressions() throws -> [String] {
        let text = try String(contentsOf: docs.appendingPathComponent("observability/alerts.yml"), encoding: .utf8)
        let parsed = YAMLParser.parse(text, file: "alerts.yml")
        #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics)")
        let groups = try #require(parsed.root?.value(forKey: "groups")?.sequence, "alerts.yml has no groups:")
        var expressions: [String] = []
        for group in groups {
            for rule in try #require(group.value(forKey: "rules")?.sequence, "a group without rules:") {
                let name = rule.value(forKey: "alert")?.scalar?.text ?? "?"
                expressions.append(try #require(rule.value(forKey: "expr")?.scalar?.text, "\(name) has no expr"))
                #expect(rule.value(forKey: "labels")?.value(forKey: "severity")?.scalar != nil, "\(name): severity")
                for annotation in ["summary", "description"] {
                    #expect(
                        rule.value(forKey: "annotations")?.value(forKey: annotation) != nil,
                        "\(name): \(annotation)"
                    )
                }
            }
        }
        return expressions
    }

    // MARK: The docs' table

    /// The rows of the table under `### Every metric` in docs/observability.md.
    static func documentedMetrics() throws -> [DocumentedMetric] {
        let text = try String(contentsOf: docs.appendingPathComponent("observability.md"), encoding: .utf8)
        let start = try #require(text.range(of: "\n### Every metric\n"), "observability.md has no \"### Every metric\"")
        let section = text[start.upperBound...]
        let end = section.range(of: "\n#")?.lowerBound ?? section.endIndex
        var rows: [DocumentedMetric] = []
        for line in section[..<end].split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 5 else { continue }
            let quoted = { (cell: String) in Set(cell.matches(of: #/`([A-Za-z_][A-Za-z0-9_]*)`/#).map { String($0.1) })
            }
            guard let name = quoted(cells[1]).first else { continue }
            rows.append(DocumentedMetric(name: name, type: cells[2], labels: quoted(cells[3])))
        }
        return rows
    }

    /// `name` as the docs' table names it: a histogram's `_bucket`, `_sum` and `_count` are its family.
    static func documentedName(_ name: String, among table: Set<String>) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let family = String(name.dropLast(suffix.count))
            if table.contains(family) { return family }
        }
        return name
    }

    // MARK: Tests

    @Test func theDashboardAndTheAlertsUseOnlyMetricsFlowExposesAndTheDocsList() throws {
        var used = Names()
        for expression in try Self.dashboardExpressions() + Self.alertExpressions() {
            used.formUnion(Self.names(in: expression))
        }
        #expect(used.metrics.count >= 10, "the extraction found too few metrics: \(used.metrics.sorted())")
        let exposed = Self.exposed(try Self.exposition())
        let table = try Self.documentedMetrics()
        let tableNames = Set(table.map(\.name))
        let tableLabels = table.reduce(into: Set<String>()) { $0.formUnion($1.labels) }

        let unexposed = used.metrics.subtracting(exposed.metrics).sorted()
        #expect(unexposed.isEmpty, "the dashboard or the alerts use metrics flow does not expose: \(unexposed)")
        let undocumented = used.metrics.filter { !tableNames.contains(Self.documentedName($0, among: tableNames)) }
        #expect(undocumented.isEmpty, "docs/observability.md's table lacks: \(undocumented.sorted())")

        let unknownLabels = used.labels.subtracting(exposed.labels).subtracting(Self.prometheusLabels).sorted()
        #expect(unknownLabels.isEmpty, "the dashboard or the alerts use labels flow does not expose: \(unknownLabels)")
        let undocumentedLabels = used.labels.subtracting(tableLabels).subtracting(Self.prometheusLabels).sorted()
        #expect(undocumentedLabels.isEmpty, "docs/observability.md's table lacks the labels: \(undocumentedLabels)")
    }

    @Test func everyExposedMetricIsInTheDocsTableWithItsTypeAndLabels() throws {
        let families = try Self.exposition()
        #expect(families.count >= 12, "the runs exposed too few families: \(families.map(\.name))")
        let table = Dictionary(try Self.documentedMetrics().map { ($0.name, $0) }) { first, _ in first }
        var missing: Set<String> = []
        var problems: [String] = []
        for family in families {
            let name = family.type == "counter" ? family.name + "_total" : family.name
            guard let row = table[name] else {
                missing.insert(name)
                continue
            }
            if row.type != family.type { problems.append("\(name) is a \(family.type), documented as \(row.type)") }
            let labels = Set(family.samples.flatMap(\.labels.keys)).subtracting(Self.prometheusLabels)
            let undocumented = labels.subtracting(row.labels)
            if !undocumented.isEmpty { problems.append("\(name) has undocumented labels \(undocumented.sorted())") }
        }
        #expect(missing.isEmpty, "docs/observability.md's table lacks exposed metrics: \(missing.sorted())")
        #expect(Set(problems).isEmpty, "docs/observability.md's table is out of date: \(Set(problems).sorted())")
    }
}
