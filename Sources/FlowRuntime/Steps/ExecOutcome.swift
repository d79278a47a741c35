import FlowCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What an `exec` step's run meant: for a per-event process, decided from how it ended and what it wrote
/// (docs/steps.md, "exec"); for a worker, from its reply (`WorkerReply`, docs/workers.md).
///
/// Pure: `init(_:permanentExitCodes:)` only reads the finished process's record, so every rule of the
/// protocol is testable without starting a process.
enum ExecOutcome: Equatable, Sendable {
    /// Exit 0 and nothing (or only whitespace) on stdout: the event continues unchanged.
    case unchanged
    /// Exit 0 and a JSON object on stdout: it replaces the event's `data`.
    case replaceData(Value)
    /// Exit 0 and a JSON array on stdout: events to emit, in order; the current event continues unchanged.
    case emit([Emission])
    /// A worker's `ok` reply: `data`, when present, replaces the event's data, then `emissions` are emitted.
    case reply(data: Value?, emissions: [Emission])
    case failure(message: String, permanent: Bool)

    /// One `{"to": topic, "type"?, "data"?, "key"?}` item of a handler's output.
    struct Emission: Equatable, Sendable {
        var topic: String
        var type: String?
        var data: Value?
        /// `.some(nil)` for an explicit `"key": null` (round-robin); nil to use the target topic's key.
        var key: String??
    }

    /// How the process ended and what it left behind.
    struct Ending: Sendable {
        enum Status: Sendable {
            case exited(Int32)
            case signaled(Int32)
        }

        var status: Status
        var stdout: [UInt8]
        /// The last non-empty stderr line, for failure messages.
        var lastStderrLine: String?
        /// The stream (`stdout`, `stderr`) that went over the capture limit, if any; the process was killed.
        var overflowed: String?
        /// The attempt's timeout, when the step killed the process for exceeding it.
        var timedOut: Duration?
    }

    /// The most a process may write to stdout or to stderr per event.
    static let outputLimit = 1 << 20
    /// How much of an invalid stdout a failure message quotes.
    static let excerptLength = 200

    init(_ ending: Ending, permanentExitCodes: Set<Int32>) {
        if let timeout = ending.timedOut {
            self = .failure(
                message: "exec timed out after \(DurationText.format(timeout)); its process group was killed",
                permanent: false
            )
            return
        }
        if let stream = ending.overflowed {
            self = .failure(message: "output exceeds 1 MiB on \(stream); the process was killed", permanent: true)
            return
        }
        switch ending.status {
        case .signaled(let signal):
            self = .failure(message: "killed by signal \(Self.signalName(signal))", permanent: false)
        case .exited(let code) where code != 0:
            let detail = ending.lastStderrLine.map { ": \($0)" } ?? ""
            self = .failure(message: "exit status \(code)\(detail)", permanent: permanentExitCodes.contains(code))
        case .exited:
            self = Self.parse(stdout: ending.stdout)
        }
    }

    /// The meaning of a successful process's stdout.
    static func parse(stdout: [UInt8]) -> ExecOutcome {
        let isBlank = stdout.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        if isBlank { return .unchanged }
        guard let value = try? Value(json: stdout) else {
            let excerpt = String(decoding: stdout.prefix(excerptLength), as: UTF8.self)
            let text = excerpt.trimmingCharacters(in: .whitespacesAndNewlines)
            return .failure(message: "handler wrote invalid JSON on stdout: \(text)", permanent: true)
        }
        switch value {
        case .object: return .replaceData(value)
        case .array(let items):
            var emissions: [Emission] = []
            emissions.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                do throws(ItemProblem) {
                    emissions.append(try emission(item))
                } catch {
                    return .failure(message: "handler output item \(index + 1) \(error.message)", permanent: true)
                }
            }
            return .emit(emissions)
        default:
            return .failure(
                message: "handler wrote a JSON \(value.typeName) on stdout; expected an object (new data) or an "
                    + "array (events to emit)",
                permanent: true
            )
        }
    }

    /// Why an output item is not an event to emit (the message follows "handler output item N").
    struct ItemProblem: Error {
        var message: String
    }

    /// The event to emit that `item` describes (`{"to", "type"?, "data"?, "key"?}`).
    static func emission(_ item: Value) throws(ItemProblem) -> Emission {
        guard case .object(let fields) = item else {
            throw ItemProblem(message: "is \(item.typeName), not an object")
        }
        guard case .string(let topic)? = fields["to"], !topic.isEmpty else {
            throw ItemProblem(message: "has no \"to\" topic")
        }
        var emission = Emission(topic: topic)
        switch fields["type"] {
        case nil: break
        case .string(let type)? where !type.isEmpty: emission.type = type
        case let other?: throw ItemProblem(message: "has a \"type\" that is not a non-empty string: \(other)")
        }
        emission.data = fields["data"]
        switch fields["key"] {
        case nil: break
        case .null?: emission.key = .some(nil)
        case .array?, .object?: throw ItemProblem(message: "has a \"key\" that is a list or map")
        case let key?: emission.key = .some(key.description)
        }
        return emission
    }

    /// `SIGTERM (15)` for the common signals, else the number.
    static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGABRT: "SIGABRT",
            SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE",
            SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGUSR1: "SIGUSR1", SIGUSR2: "SIGUSR2",
        ]
        return names[signal].map { "\($0) (\(signal))" } ?? "\(signal)"
    }
}
