import FlowCore
import Foundation

/// What a dead-lettered event looks like on the dead-letter topic.
///
/// The envelope is the original event — same `id`, `source`, `type`, `subject`, `time`, `datacontenttype`,
/// `data` and extensions — plus these extensions (CloudEvents names: lower-case alphanumeric):
///
/// | extension          | value                                                                 |
/// |--------------------|-----------------------------------------------------------------------|
/// | `flowsourcetopic`  | topic the event was read from (string)                                |
/// | `flowpartition`    | its partition (int)                                                   |
/// | `flowoffset`       | its offset in that partition (int)                                    |
/// | `flowconsumer`     | the consumer that gave up (string)                                    |
/// | `flowgroup`        | that consumer's group (string)                                        |
/// | `flowattempts`     | attempts made, the first included (int)                               |
/// | `flowfirstfailure` | wall-clock time of the first failed attempt, RFC 3339 UTC (string)    |
/// | `flowlastfailure`  | wall-clock time of the last failed attempt, RFC 3339 UTC (string)     |
/// | `flowerror`        | the last error message, at most 2 KiB of UTF-8 (string)               |
///
/// Invariant: the extensions above overwrite same-named extensions of the original (an event dead-lettered
/// twice describes its latest failure); every other attribute is kept verbatim.
public struct DeadLetterEnvelope: Sendable, Hashable {
    /// The longest `flowerror`, in UTF-8 bytes.
    public static let maxErrorBytes = 2048

    /// The extension names this envelope adds, in documentation order.
    public static let extensionNames = [
        "flowsourcetopic", "flowpartition", "flowoffset", "flowconsumer", "flowgroup", "flowattempts",
        "flowfirstfailure", "flowlastfailure", "flowerror",
    ]

    /// `flowsourcetopic`.
    public var sourceTopic: String
    /// `flowpartition`.
    public var partition: Int
    /// `flowoffset`.
    public var offset: Int64
    /// `flowconsumer`.
    public var consumer: String
    /// `flowgroup`.
    public var group: String
    /// `flowattempts`.
    public var attempts: Int
    /// `flowfirstfailure`.
    public var firstFailure: Date
    /// `flowlastfailure`.
    public var lastFailure: Date
    /// `flowerror`, before bounding.
    public var error: String

    /// The history of one given-up event.
    public init(
        sourceTopic: String,
        partition: Int,
        offset: Int64,
        consumer: String,
        group: String,
        attempts: Int,
        firstFailure: Date,
        lastFailure: Date,
        error: String
    ) {
        self.sourceTopic = sourceTopic
        self.partition = partition
        self.offset = offset
        self.consumer = consumer
        self.group = group
        self.attempts = attempts
        self.firstFailure = firstFailure
        self.lastFailure = lastFailure
        self.error = error
    }

    /// `event` with this envelope's extensions added.
    public func wrap(_ event: CloudEvent) -> CloudEvent {
        var wrapped = event
        wrapped.extensions["flowsourcetopic"] = .string(sourceTopic)
        wrapped.extensions["flowpartition"] = .int(partition)
        wrapped.extensions["flowoffset"] = .int(Int(offset))
        wrapped.extensions["flowconsumer"] = .string(consumer)
        wrapped.extensions["flowgroup"] = .string(group)
        wrapped.extensions["flowattempts"] = .int(attempts)
        wrapped.extensions["flowfirstfailure"] = .string(Self.rfc3339(firstFailure))
        wrapped.extensions["flowlastfailure"] = .string(Self.rfc3339(lastFailure))
        wrapped.extensions["flowerror"] = .string(Self.bounded(error))
        return wrapped
    }

    /// `date` as RFC 3339 in UTC, rounded to the nearest millisecond, e.g. `2026-01-01T00:00:00.300Z`.
    public static func rfc3339(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let (wholeSeconds, millis) = fraction < 0 ? (seconds - 1, fraction + 1000) : (seconds, fraction)
        let whole = Date(timeIntervalSince1970: TimeInterval(wholeSeconds))
            .formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
        let digits = String(millis)
        return "\(whole.dropLast()).\(String(repeating: "0", count: 3 - digits.count))\(digits)Z"
    }

    /// `message` cut to at most `maxErrorBytes` of UTF-8 on a character boundary, ending in `…` when cut.
    public static func bounded(_ message: String) -> String {
        guard message.utf8.count > maxErrorBytes else { return message }
        let ellipsis = "…"
        var result = ""
        var bytes = 0
        for character in message {
            let size = character.utf8.count
            if bytes + size + ellipsis.utf8.count > maxErrorBytes { break }
            result.append(character)
            bytes += size
        }
        return result + ellipsis
    }
}
