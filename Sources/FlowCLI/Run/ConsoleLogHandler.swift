import FlowCore
import Foundation
import Logging

/// A swift-log handler writing JSON lines or compact text to standard error through `Console`.
///
/// Messages are constant; the variable data is metadata, printed sorted by key so lines are stable.
struct ConsoleLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    let format: LogFormat
    let console: Console

    init(format: LogFormat, level: Logger.Level, console: Console = .shared) {
        self.format = format
        self.logLevel = level
        self.console = console
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let time = Self.timestamp(Date())
        switch format {
        case .json:
            var fields: [(String, String)] = [
                ("ts", time), ("level", event.level.rawValue), ("msg", "\(event.message)"),
            ]
            for key in merged.keys.sorted() { fields.append((key, "\(merged[key]!)")) }
            console.writeLine(
                "{" + fields.map { "\(Self.quote($0.0)):\(Self.quote($0.1))" }.joined(separator: ",") + "}"
            )
        case .text:
            let pairs = merged.keys.sorted().map { "\($0)=\(merged[$0]!)" }.joined(separator: " ")
            let clock = String(time.dropFirst(11).prefix(12))
            console.writeLine("\(clock) \(event.level.rawValue) \(event.message)" + (pairs.isEmpty ? "" : " " + pairs))
        }
    }

    /// RFC 3339 UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = time_t(millis / 1000)
        var parts = tm()
        var copy = seconds
        gmtime_r(&copy, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(parts.tm_year) + 1900,
            Int(parts.tm_mon) + 1,
            Int(parts.tm_mday),
            Int(parts.tm_hour),
            Int(parts.tm_min),
            Int(parts.tm_sec),
            Int(millis % 1000)
        )
    }

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        Value.string(text).jsonString
    }
}
