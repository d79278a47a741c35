import FlowCore
import Foundation

/// An input line (or a generated event) that could not become a record, and where it came from.
///
/// Invariant: it is reported, never dropped: as an envelope on the producer's dead-letter topic, or logged
/// at error and counted in `ProducerStats.malformed`; an HTTP request without a dead-letter topic is logged
/// at warning only, since its sender was answered 400.
struct MalformedInput: Sendable {
    /// Where the input came from: a line of a file (or of standard input), or a generated event.
    enum Origin: Sendable, Hashable {
        /// `file` is the path as configured, or `stdin`; `line` counts from 1, blank lines included.
        case line(file: String, line: Int)
        /// The `seq` of a generated event.
        case generated(seq: Int)
        /// An HTTP request to an `http` producer's `path`, answered 400.
        case request(path: String)
    }

    /// The name reported for standard input.
    static let standardInput = "stdin"

    var origin: Origin
    /// The line as read (without its terminator), or the generated event as JSON; empty when unavailable.
    var raw: String
    /// What is wrong, lower-case.
    var error: String

    /// The envelope for the dead-letter topic: type `flow.malformed`, source `flow/<producer>`, the raw input
    /// as string data, and the extensions `flowproducer`, `flowerror` (at most 2 KiB) and one of
    /// `flowsourcefile` + `flowline`, `flowseq` or `flowpath`.
    func envelope(id: String, producer: String, time: Date) -> CloudEvent {
        var extensions: [String: Value] = [
            "flowproducer": .string(producer),
            "flowerror": .string(DeadLetterEnvelope.bounded(error)),
        ]
        switch origin {
        case .line(let file, let line):
            extensions["flowsourcefile"] = .string(file)
            extensions["flowline"] = .int(line)
        case .generated(let seq):
            extensions["flowseq"] = .int(seq)
        case .request(let path):
            extensions["flowpath"] = .string(path)
        }
        return CloudEvent(
            id: id,
            source: "flow/\(producer)",
            type: "flow.malformed",
            time: DeadLetterEnvelope.rfc3339(time),
            data: .string(raw),
            extensions: extensions
        )
    }
}
