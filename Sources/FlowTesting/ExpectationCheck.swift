import FlowCore
import Foundation

/// Checks a test's expectations against what its run left: the summary, the captured log and the topics.
///
/// Invariant: a failure says what was expected and what was found; for a timeline, the whole actual
/// timeline; for a consumer, that consumer's log lines.
struct ExpectationCheck {
    let summary: RunSummary
    let logs: [VirtualTimeLog.Entry]
    let harness: PipelineHarness

    /// The log lines shown with a failure: at most this many, the last ones.
    static let shownLogLines = 30

    func failures(of expectation: TestExpectation) -> [TestFailure] {
        let at = expectation.location
        switch expectation.kind {
        case .consumer(let name, let counts, let attempts):
            return consumerFailures(name, counts: counts, attempts: attempts, at: at)
        case .topic(let name, let count, let patterns):
            let events = harness.storedEvents(of: name)
            return topicFailures(name, events: events, count: count, patterns: patterns, at: at)
        case .log(let message, let instant):
            return logFailures(message, at: instant, location: at)
        }
    }

    private func consumerFailures(
        _ name: String,
        counts: [TestExpectation.ConsumerCount: Int],
        attempts: [String: [Duration]],
        at location: SourceLocation
    ) -> [TestFailure] {
        let lines = logLines { $0.metadata["flow.consumer"] == name }
        guard let stats = summary.consumers.first(where: { $0.name == name })?.stats else {
            return [TestFailure(location: location, message: "consumer \"\(name)\" did not run")]
        }
        var failures: [TestFailure] = []
        let differing = TestExpectation.ConsumerCount.allCases.compactMap { count -> String? in
            guard let expected = counts[count] else { return nil }
            let actual = Self.value(count, of: stats)
            return actual == expected ? nil : "\(count.rawValue): expected \(expected), got \(actual)"
        }
        if !differing.isEmpty {
            let all = TestExpectation.ConsumerCount.allCases.map { "\($0.rawValue) \(Self.value($0, of: stats))" }
            failures.append(
                TestFailure(
                    location: location,
                    message: "consumer \"\(name)\": " + differing.joined(separator: "; ")
                        + "\n  its counts: " + all.joined(separator: ", "),
                    logs: lines
                )
            )
        }
        for id in attempts.keys.sorted() {
            let expected = attempts[id] ?? []
            let actual = logs.filter {
                $0.message == "event delivered" && $0.metadata["flow.consumer"] == name
                    && $0.metadata["flow.event_id"] == id
            }
            .map(\.at)
            guard actual != expected else { continue }
            failures.append(
                TestFailure(
                    location: location,
                    message: "consumer \"\(name)\": the attempts at \"\(id)\" started at \(Self.timeline(actual)), "
                        + "expected \(Self.timeline(expected))",
                    logs: lines
                )
            )
        }
        return failures
    }

    private func topicFailures(
        _ name: String,
        events: [CloudEvent],
        count: Int?,
        patterns: [EventPattern],
        at location: SourceLocation
    ) -> [TestFailure] {
        var failures: [TestFailure] = []
        let shown = events.prefix(10).map { "  " + $0.jsonObject.jsonString }.joined(separator: "\n")
        let held = events.isEmpty ? "none was stored in it" : "\(events.count) were stored in it:\n\(shown)"
        if let count, count != events.count {
            failures.append(
                TestFailure(location: location, message: "topic \"\(name)\": expected \(count) events; \(held)")
            )
        }
        var next = 0
        for pattern in patterns {
            guard let found = events[next...].firstIndex(where: { Self.matches(pattern, $0) }) else {
                failures.append(
                    TestFailure(
                        location: pattern.location,
                        message: "topic \"\(name)\": no event "
                            + (next == 0 ? "" : "after the \(next) matched before ")
                            + "matches \(Self.describe(pattern)); \(held)"
                    )
                )
                return failures
            }
            next = found + 1
        }
        return failures
    }

    private func logFailures(_ message: String, at instant: Duration?, location: SourceLocation) -> [TestFailure] {
        let containing = logs.filter { $0.message.contains(message) }
        if let instant {
            guard !containing.contains(where: { $0.at == instant }) else { return [] }
            let found =
                containing.isEmpty
                ? "no line contains it" : "lines containing it were logged at " + Self.timeline(containing.map(\.at))
            return [
                TestFailure(
                    location: location,
                    message: "no log line containing \"\(message)\" at \(DurationText.format(instant)): \(found)",
                    logs: logLines { _ in true }
                )
            ]
        }
        guard containing.isEmpty else { return [] }
        return [
            TestFailure(
                location: location,
                message: "no log line contains \"\(message)\"",
                logs: logLines { _ in true }
            )
        ]
    }

    // MARK: Helpers

    /// The last `shownLogLines` log lines `include` selects, at info and above or about events.
    private func logLines(_ include: (VirtualTimeLog.Entry) -> Bool) -> [String] {
        let selected = logs.filter { include($0) && ($0.level >= .info || $0.metadata["flow.event_id"] != nil) }
        return selected.suffix(Self.shownLogLines).map { entry in
            let fields = entry.metadata.keys.sorted().filter { $0 != "flow.pipeline" }
                .map { "\($0)=\(entry.metadata[$0] ?? "")" }
            return "\(DurationText.format(entry.at)) \(entry.level) \(entry.message) " + fields.joined(separator: " ")
        }
    }

    static func value(_ count: TestExpectation.ConsumerCount, of stats: ConsumerStats) -> Int {
        switch count {
        case .received: stats.received
        case .processed: stats.processed
        case .filtered: stats.filtered
        case .dropped: stats.dropped
        case .retried: stats.retried
        case .deadLettered: stats.deadLettered
        case .failed: stats.exhausted
        }
    }

    static func timeline(_ instants: [Duration]) -> String {
        "[" + instants.map { DurationText.format($0) }.joined(separator: ", ") + "]"
    }

    /// Whether `event` has every field `pattern` gives (`data` and `ext` by subset).
    static func matches(_ pattern: EventPattern, _ event: CloudEvent) -> Bool {
        if let id = pattern.id, id != event.id { return false }
        if let type = pattern.type, type != event.type { return false }
        if let source = pattern.source, source != event.source { return false }
        if let subject = pattern.subject, subject != event.subject { return false }
        if let data = pattern.data, !contains(event.data, data) { return false }
        for (name, value) in pattern.extensions {
            guard let actual = event.extensions[name], contains(actual, value) else { return false }
        }
        return true
    }

    /// Objects match by subset (recursively); numbers by value whether int or double; the rest by equality.
    static func contains(_ actual: Value, _ expected: Value) -> Bool {
        switch (actual, expected) {
        case (.object(let have), .object(let want)):
            want.allSatisfy { key, value in have[key].map { contains($0, value) } ?? false }
        case (.array(let have), .array(let want)):
            have.count == want.count && zip(have, want).allSatisfy { contains($0, $1) }
        case (.int(let have), .double(let want)): Double(have) == want
        case (.double(let have), .int(let want)): have == Double(want)
        default: actual == expected
        }
    }

    static func describe(_ pattern: EventPattern) -> String {
        var fields: [String: Value] = [:]
        if let id = pattern.id { fields["id"] = .string(id) }
        if let type = pattern.type { fields["type"] = .string(type) }
        if let source = pattern.source { fields["source"] = .string(source) }
        if let subject = pattern.subject { fields["subject"] = .string(subject) }
        if let data = pattern.data { fields["data"] = data }
        if !pattern.extensions.isEmpty { fields["ext"] = .object(pattern.extensions) }
        return Value.object(fields).jsonString
    }
}
