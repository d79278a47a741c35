import FlowCore
import Foundation

/// What one POST of an `http` step meant, decided from the reply alone (docs/http.md).
///
/// Rules:
/// - 2xx: a JSON object body replaces `data`; a JSON array body lists events to emit (the `exec` item shape
///   `{"to", "type"?, "data"?, "key"?}`); an empty, non-JSON or scalar JSON body leaves the event unchanged;
///   a body over `bodyLimit` is a permanent failure;
/// - 408, 429 and 5xx: retryable, after at least the `Retry-After` the server asked for;
/// - any other status (other 4xx, unfollowed 3xx): permanent;
/// - no reply (refused, reset, timed out): retryable;
/// - failure messages read `HTTP 503 from <url>: <first 200 characters of the body>`.
enum HTTPStepOutcome: Equatable, Sendable {
    case unchanged
    case replaceData(Value)
    case emit([ExecOutcome.Emission])
    case failure(message: String, permanent: Bool, retryAfter: Duration?)

    /// The most of a response body that is read.
    static let bodyLimit = 1 << 20
    /// How much of a body a failure message quotes.
    static let excerptLength = 200

    /// The outcome of `reply` to a POST to `url` (its display form); `now` dates a `Retry-After` given as an
    /// HTTP date.
    init(_ reply: HTTPStepReply, url: String, now: Date) {
        switch reply {
        case .failed(let problem):
            self = .failure(message: "HTTP request to \(url) failed: \(problem)", permanent: false, retryAfter: nil)
        case .response(let status, let retryAfter, let body, let truncated):
            self = Self.response(
                status: status,
                retryAfter: retryAfter,
                body: body,
                truncated: truncated,
                url: url,
                now: now
            )
        }
    }

    private static func response(
        status: Int,
        retryAfter: String?,
        body: [UInt8],
        truncated: Bool,
        url: String,
        now: Date
    ) -> HTTPStepOutcome {
        switch status {
        case 200...299:
            if truncated {
                return .failure(
                    message: "HTTP \(status) from \(url): body exceeds 1 MiB",
                    permanent: true,
                    retryAfter: nil
                )
            }
            return success(body)
        case 408, 429, 500...599:
            return .failure(
                message: message(status, url, body),
                permanent: false,
                retryAfter: retryAfter.flatMap { RetryAfter.delay($0, now: now) }
            )
        default:
            return .failure(message: message(status, url, body), permanent: true, retryAfter: nil)
        }
    }

    /// `HTTP <status> from <url>` and the start of the body, whitespace trimmed, when there is one.
    static func message(_ status: Int, _ url: String, _ body: [UInt8]) -> String {
        let excerpt = String(decoding: body.prefix(excerptLength * 4), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
            .prefix(excerptLength)
        return excerpt.isEmpty ? "HTTP \(status) from \(url)" : "HTTP \(status) from \(url): \(excerpt)"
    }

    private static func success(_ body: [UInt8]) -> HTTPStepOutcome {
        guard let value = try? Value(json: body) else { return .unchanged }
        switch value {
        case .object:
            return .replaceData(value)
        case .array:
            switch ExecOutcome.parse(stdout: body) {
            case .emit(let emissions): return .emit(emissions)
            case .failure(let message, _):
                let detail = message.replacingOccurrences(of: "handler output item", with: "response item")
                return .failure(message: detail, permanent: true, retryAfter: nil)
            case .unchanged, .replaceData, .reply: return .unchanged
            }
        default:
            return .unchanged
        }
    }
}
