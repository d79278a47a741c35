import FlowCore
import Foundation

/// `flow dlq list`: the dead letters in `--dead-letters` files (JSON lines of envelopes) as a table, one row
/// per event, then how many and which errors, most frequent first.
///
/// Reads consumer envelopes (`flowsourcetopic`, `flowconsumer`, `flowattempts`, `flowerror`) and producer
/// envelopes of malformed input (`flowsourcefile` + `flowline`, `flowseq` or `flowpath`, `flowproducer`).
/// A line that is not a JSON object is reported with its file and line, and the exit code is 1.
enum DeadLetterList {
    /// The longest error shown in a row; the counts below the table show errors whole.
    static let errorWidth = 60

    /// The table and counts (`output`, for stdout), the problems found (`errors`, for stderr, one per line),
    /// and the exit code: 1 when there is any problem.
    static func render(files: [String]) -> (output: String, errors: String, exitCode: Int32) {
        var events: [[String: Value]] = []
        var problems: [String] = []
        let files = files.flatMap(expand)
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                problems.append("\(file): error: cannot read the file")
                continue
            }
            for (index, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated()
            where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
                guard case .object(let event)? = try? Value(json: line) else {
                    problems.append("\(file):\(index + 1): error: not a JSON object (a CloudEvent per line expected)")
                    continue
                }
                events.append(event)
            }
        }
        let output = render(events, from: "\(files.count) file\(files.count == 1 ? "" : "s")")
        return (output, problems.joined(separator: "\n"), problems.isEmpty ? 0 : 1)
    }

    /// `path` itself, or for a directory (what `--dead-letters DIR` writes) its `*.jsonl` files by name.
    private static func expand(_ path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
            let names = try? FileManager.default.contentsOfDirectory(atPath: path)
        else { return [path] }
        return names.filter { $0.hasSuffix(".jsonl") }.sorted().map { (path as NSString).appendingPathComponent($0) }
    }

    /// The table and counts for `events` (each a CloudEvent's JSON members), read from `source`
    /// ("2 files", "topic \"payments.dlq\" of store.db").
    static func render(_ events: [[String: Value]], from source: String) -> String {
        var rows: [[String]] = []
        var errors: [String: Int] = [:]
        for event in events {
            let error = event["flowerror"]?.stringValue ?? "-"
            errors[error, default: 0] += 1
            rows.append([
                event["id"]?.stringValue ?? "-", event["type"]?.stringValue ?? "-", origin(event),
                (event["flowconsumer"] ?? event["flowproducer"])?.stringValue ?? "-",
                event["flowattempts"].map { "\($0)" } ?? "-", truncated(error),
            ])
        }
        var lines: [String] = []
        if !rows.isEmpty {
            lines += RunSummaryRenderer.table(["id", "type", "from", "by", "attempts", "error"], rows)
            lines.append("")
        }
        let noun = rows.count == 1 ? "dead letter" : "dead letters"
        lines.append("\(rows.count) \(noun) in \(source)")
        let ranked = errors.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        for (error, count) in ranked where error != "-" {
            lines.append("  \(count) × \(oneLine(error))")
        }
        return lines.joined(separator: "\n")
    }

    /// Where the event was read, or where the malformed input came from.
    private static func origin(_ event: [String: Value]) -> String {
        if let topic = event["flowsourcetopic"]?.stringValue {
            let position = [event["flowpartition"], event["flowoffset"]].compactMap { $0.map { "\($0)" } }
            return position.count == 2 ? "\(topic) \(position[0])/\(position[1])" : topic
        }
        if let file = event["flowsourcefile"]?.stringValue {
            return event["flowline"].map { "\(file):\($0)" } ?? file
        }
        if let path = event["flowpath"]?.stringValue { return "POST \(path)" }
        if let seq = event["flowseq"] { return "generated #\(seq)" }
        return "-"
    }

    private static func truncated(_ text: String) -> String {
        let line = oneLine(text)
        return line.count > errorWidth ? line.prefix(errorWidth - 1) + "…" : line
    }

    /// `text` with every control character (newlines, carriage returns, tabs…) shown as a space.
    private static func oneLine(_ text: String) -> String {
        String(
            String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 })
        )
    }
}
