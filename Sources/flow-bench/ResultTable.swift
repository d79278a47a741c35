import Foundation

/// Prints a scenario's measurements as a Markdown table, ready to paste into docs/performance.md.
enum ResultTable {
    /// The table of `rows` under `title`, then `notes`, one per line.
    static func print(_ title: String, _ rows: [Measurement], notes: [String] = []) {
        let hasLatency = rows.contains { $0.p50 != nil }
        var header = ["run", "events", "seconds", "events/s"]
        if hasLatency { header += ["p50", "p99", "p999", "max"] }
        header.append("peak RSS")
        var lines = ["## \(title)", "", "| " + header.joined(separator: " | ") + " |"]
        lines.append("| --- |" + String(repeating: " ---: |", count: header.count - 1))
        for row in rows {
            var cells = [row.name, grouped(row.events), String(format: "%.3f", row.seconds), grouped(Int(row.rate))]
            if hasLatency { cells += [row.p50, row.p99, row.p999, row.max].map(micros) }
            cells.append(row.peakRSS.map(megabytes) ?? "-")
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        lines.append("")
        lines += notes
        Swift.print(lines.joined(separator: "\n"))
        fflush(nil)
    }

    /// `1234567` as `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// Bytes as `12.3 MB` (10^6 bytes).
    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }

    /// Nanoseconds as `12.3 µs`, or `-`.
    static func micros(_ nanos: UInt64?) -> String {
        guard let nanos else { return "-" }
        return String(format: "%.1f µs", Double(nanos) / 1000)
    }

    /// `ratio = flow / raw = 0.42` for events/s.
    static func ratio(_ flow: Measurement, _ raw: Measurement) -> String {
        String(format: "ratio = flow / raw (events/s) = %.2f", raw.rate > 0 ? flow.rate / raw.rate : 0)
    }
}
