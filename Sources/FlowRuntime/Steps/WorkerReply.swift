import FlowCore
import Foundation

/// One line an `exec` worker wrote on stdout, decoded (docs/workers.md): `{"id", "status": "ok" | "retry" |
/// "fail", "data"?, "events"?, "error"?}`.
///
/// Pure, so every rule of the protocol is testable without a process. A line that cannot be matched to a
/// request (not JSON, not an object, no `id`, no valid `status`) throws `Invalid`: the worker is broken. A
/// matched reply whose `events` are malformed is a permanent failure of that request only.
struct WorkerReply: Equatable, Sendable {
    /// Why a line is not a reply; the message quotes the line (at most `ExecOutcome.excerptLength` bytes).
    struct Invalid: Error, Equatable, Sendable {
        var message: String
    }

    /// The request this reply answers.
    var id: String
    var outcome: ExecOutcome

    /// Decodes `line` (without its newline).
    init(line: some Collection<UInt8>) throws(Invalid) {
        guard let value = try? Value(json: Array(line)) else {
            throw Invalid(message: "worker wrote invalid JSON: \(Self.excerpt(line))")
        }
        guard case .object(let fields) = value else {
            throw Invalid(message: "worker wrote a JSON \(value.typeName), not a reply object: \(Self.excerpt(line))")
        }
        guard case .string(let id)? = fields["id"] else {
            throw Invalid(message: "worker reply has no string \"id\": \(Self.excerpt(line))")
        }
        self.id = id
        let error: String?
        switch fields["error"] {
        case nil, .null?: error = nil
        case .string(let text)?: error = text
        case let other?: error = other.jsonString
        }
        switch fields["status"] {
        case .string("ok")?:
            outcome = Self.success(data: fields["data"], events: fields["events"])
        case .string("retry")?:
            outcome = .failure(message: error ?? "worker replied retry", permanent: false)
        case .string("fail")?:
            outcome = .failure(message: error ?? "worker replied fail", permanent: true)
        default:
            throw Invalid(
                message: "worker reply has no \"status\" of ok, retry or fail: \(Self.excerpt(line))"
            )
        }
    }

    /// The request line for `event`: `{"id":"<id>","event":<structured CloudEvent>}` and a newline, with the
    /// step's `traceparent` and `tracestate` beside `id` when traced.
    static func request(id: String, event: CloudEvent, trace: [String: String] = [:]) -> [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writer.raw("{\"id\":")
        writer.writeString(id)
        for name in trace.keys.sorted() {
            writer.raw(",")
            writer.writeString(name)
            writer.raw(":")
            writer.writeString(trace[name]!)
        }
        writer.raw(",\"event\":")
        event.writeJSON(to: &writer)
        writer.raw("}\n")
        return writer.bytes
    }

    /// At most `ExecOutcome.excerptLength` bytes of `line`, as text, trimmed.
    static func excerpt(_ line: some Collection<UInt8>) -> String {
        let text = String(decoding: line.prefix(ExecOutcome.excerptLength), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func success(data: Value?, events: Value?) -> ExecOutcome {
        var emissions: [ExecOutcome.Emission] = []
        switch events {
        case nil, .null?:
            break
        case .array(let items)?:
            emissions.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                do throws(ExecOutcome.ItemProblem) {
                    emissions.append(try ExecOutcome.emission(item))
                } catch {
                    return .failure(message: "worker reply event \(index + 1) \(error.message)", permanent: true)
                }
            }
        case let other?:
            return .failure(message: "worker reply \"events\" is \(other.typeName), not a list", permanent: true)
        }
        return .reply(data: data, emissions: emissions)
    }
}
