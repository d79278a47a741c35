import FlowCore
import FlowRuntime

/// Renders a `RunSummary` as the end-of-run table (text) or as the `--report` JSON document.
enum RunSummaryRenderer {
    static func text(_ summary: RunSummary) -> String {
        var lines: [String] = []
        let seconds = DurationText.milliseconds(summary.elapsed) / 1000
        let published = summary.topics.reduce(0) { $0 + $1.published }
        lines.append(
            "flow run \(summary.pipeline): \(published) published, \(summary.processed) processed in "
                + String(format: "%.2f s", seconds) + (summary.failed ? " — FAILED" : "")
        )
        lines.append("")
        let unhandledColumn = summary.topics.contains { $0.kept } ? "left" : "lost"
        lines += table(
            ["topic", "published", "retained", unhandledColumn],
            summary.topics.map { [$0.name, "\($0.published)", "\($0.retained)", "\($0.unhandled)"] }
        )
        if !summary.producers.isEmpty {
            lines.append("")
            lines += table(
                ["producer", "topic", "published", "malformed", "dead-lettered"],
                summary.producers.map {
                    [$0.name, $0.topic, "\($0.published)", "\($0.malformed)", "\($0.deadLettered)"]
                }
            )
        }
        if !summary.consumers.isEmpty {
            lines.append("")
            lines += table(
                ["consumer", "processed", "filtered", "dropped", "retried", "dead-lettered", "failed", "p50", "p99"],
                summary.consumers.map { row in
                    let s = row.stats
                    return [
                        row.name, "\(s.processed)", "\(s.filtered)", "\(s.dropped)", "\(s.retried)",
                        "\(s.deadLettered)", "\(s.exhausted)", latency(s.p50), latency(s.p99),
                    ]
                }
            )
        }
        if !summary.ownership.isEmpty {
            lines.append("")
            lines += table(
                ["member", "topic", "group", "partitions"],
                summary.ownership.map {
                    [
                        $0.member, $0.topic, $0.group,
                        $0.partitions.isEmpty ? "-" : $0.partitions.map(String.init).joined(separator: ","),
                    ]
                }
            )
        }
        for row in summary.consumers where !row.faults.isEmpty {
            let kinds = row.faults.keys.sorted().map { "\($0) \(row.faults[$0] ?? 0)" }.joined(separator: ", ")
            lines.append("faults injected into \(row.name): \(row.faults.values.reduce(0, +)) (\(kinds))")
        }
        for producer in summary.producers {
            if let failure = producer.failure {
                lines.append("error: producer \"\(producer.name)\" failed: \(failure)")
            }
        }
        if summary.lost > 0 {
            lines.append(
                "error: \(summary.lost) stored events were lost: the run ended before they were handled and the "
                    + "memory broker cannot keep them (use a longer --grace, or --broker sqlite:PATH)"
            )
        }
        if summary.left > 0 {
            lines.append("note: \(summary.left) stored events were left in the store for the next run")
        }
        if summary.unfinished > 0 {
            lines.append("warning: \(summary.unfinished) started events were not finished within the grace period")
        }
        return lines.joined(separator: "\n")
    }

    /// One warning per dead-letter topic of `topics` that still holds envelopes no group reads, for a run on
    /// a broker that keeps nothing once the process ends and without `--dead-letters`.
    static func vanishingDeadLetters(_ summary: RunSummary, topics: [String]) -> [String] {
        summary.topics.filter { topics.contains($0.name) && $0.retained > 0 && $0.unhandled == 0 }.map { row in
            "warning: \(row.retained) dead letter\(row.retained == 1 ? "" : "s") in \"\(row.name)\" end with this "
                + "run (the memory broker keeps nothing): keep them with --dead-letters DIR or --broker sqlite:PATH"
        }
    }

    static func json(_ summary: RunSummary) -> Value {
        var document: Value = [
            "pipeline": .string(summary.pipeline),
            "seed": .string(String(summary.seed)),
            "elapsed_ms": .double(DurationText.milliseconds(summary.elapsed)),
            "failed": .bool(summary.failed),
            "unfinished": .int(summary.unfinished),
            "lost": .int(summary.lost),
            "left": .int(summary.left),
            "topics": .array(
                summary.topics.map {
                    [
                        "name": .string($0.name), "published": .int($0.published), "retained": .int($0.retained),
                        "lost": .int($0.lost), "left": .int($0.left),
                    ]
                }
            ),
            "producers": .array(
                summary.producers.map {
                    [
                        "name": .string($0.name), "topic": .string($0.topic), "published": .int($0.published),
                        "malformed": .int($0.malformed), "dead_lettered": .int($0.deadLettered),
                        "failure": $0.failure.map(Value.string) ?? .null,
                    ]
                }
            ),
            "consumers": .array(
                summary.consumers.map { row in
                    let s = row.stats
                    return [
                        "name": .string(row.name), "group": .string(row.group), "topic": .string(row.topic),
                        "received": .int(s.received), "processed": .int(s.processed), "filtered": .int(s.filtered),
                        "dropped": .int(s.dropped), "retried": .int(s.retried), "dead_lettered": .int(s.deadLettered),
                        "failed": .int(s.exhausted), "given_back": .int(s.givenBack),
                        "p50_ms": s.p50.map { .double(DurationText.milliseconds($0)) } ?? .null,
                        "p99_ms": s.p99.map { .double(DurationText.milliseconds($0)) } ?? .null,
                    ]
                }
            ),
        ]
        // Only on a shared broker, so reports of single-process runs keep their shape.
        if !summary.ownership.isEmpty, case .object(var fields) = document {
            fields["ownership"] = .array(
                summary.ownership.map {
                    [
                        "member": .string($0.member), "topic": .string($0.topic), "group": .string($0.group),
                        "partitions": .array($0.partitions.map { .int($0) }),
                    ]
                }
            )
            document = .object(fields)
        }
        return document
    }

    /// `0.12ms`, `3.4ms`, `1.20s`; `-` before the first measurement.
    static func latency(_ duration: Duration?) -> String {
        guard let duration else { return "-" }
        let ms = DurationText.milliseconds(duration)
        if ms >= 1000 { return String(format: "%.2fs", ms / 1000) }
        if ms >= 10 { return String(format: "%.0fms", ms) }
        return String(format: "%.2fms", ms)
    }

    /// Names left-aligned, numbers and latencies right-aligned, two spaces between columns.
    static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        let numeric = header.indices.map { column in
            rows.allSatisfy { $0[column] == "-" || $0[column].first?.isNumber == true }
        }
        return all.map { row in
            row.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return numeric[index] ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.hasSuffix(" ") { copy.removeLast() }
        return copy
    }
}
