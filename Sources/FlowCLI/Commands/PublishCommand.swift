import ArgumentParser
import FlowCore
import FlowRuntime
import Foundation

/// `flow publish URL`: sends CloudEvents to an `http` producer (or any CloudEvents endpoint) and says what
/// became of each one.
public struct PublishCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Send CloudEvents to a running pipeline's http producer and report what was accepted.",
        discussion: """
            Events are sent one at a time in structured mode. A 503 (topic full), 429, 408 or 5xx is sent again
            after its Retry-After (at most 5 s), up to --retries times; another 4xx is reported and not sent
            again; a refused connection stops the command.

            Examples:
              flow publish http://127.0.0.1:8080/events --type OrderCreated --data '{"amount": 12}'
              flow publish http://127.0.0.1:8080/events --type Tick --count 1000
              flow publish http://127.0.0.1:8080/events --file orders.jsonl     # JSON lines, as file: reads them

            Exit status: 0 when every event was accepted; 1 when one was rejected or not sent; 64 usage.
            """
    )

    @Argument(help: "The endpoint, e.g. http://127.0.0.1:8080/events.")
    var url: String

    @Option(help: "The events' type (for --file: the type of lines that are bare data).")
    var type: String?

    @Option(help: "The events' source.")
    var source = "flow/publish"

    @Option(help: "The events' subject.")
    var subject: String?

    @Option(help: "The events' data, as JSON.")
    var data: String?

    @Option(help: "How many events to send (each with a fresh id).")
    var count = 1

    @Option(help: "Send the events of a JSON-lines file instead (`-` for standard input).")
    var file: String?

    @Option(help: "How many times an event refused with 408, 429 or 5xx is sent again.")
    var retries = 5

    public init() {}

    public func validate() throws {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ValidationError("the URL must start with http:// or https://, e.g. http://127.0.0.1:8080/events")
        }
        if file == nil, type == nil { throw ValidationError("give --type for the events to send, or --file") }
        if file != nil, data != nil || subject != nil || count != 1 {
            throw ValidationError("--data, --subject and --count describe generated events; --file has its own")
        }
        guard count >= 1, retries >= 0 else { throw ValidationError("--count must be 1 or more, --retries 0 or more") }
        if let data, (try? Value(json: Array(data.utf8))) == nil {
            throw ValidationError("--data is not valid JSON (quote strings: --data '\"text\"')")
        }
    }

    public func run() async throws {
        let events = try input()
        let client = IngestClient(url: url, retries: retries)
        var tally = PublishTally(total: events.count)
        for (label, event) in events {
            guard case .success(let event) = event else {
                if case .failure(let problem) = event { Terminal.printError("flow: \(label): \(problem.message)") }
                tally.malformed += 1
                continue
            }
            switch await client.send(event) {
            case .accepted(let retried):
                tally.accepted += 1
                tally.retried += retried
            case .rejected(let message):
                Terminal.printError("flow: event \"\(event.id)\" (\(label)) rejected: \(message)")
                tally.rejected += 1
            case .failed(let message):
                Terminal.printError("flow: event \"\(event.id)\" (\(label)) not sent: \(message)")
                tally.failed += 1
            }
            if tally.failed > 0 { break }
        }
        await client.shutdown()
        print(tally.summary(url: url))
        if !tally.isClean { throw ExitCode(1) }
    }

    /// The events to send, each with a label for messages (`line 3`, `event 2 of 5`).
    private func input() throws -> [(label: String, event: Result<CloudEvent, EventLines.Problem>)] {
        let now = Timestamp.rfc3339(Date())
        guard let file else {
            let payload = try data.map { try Value(json: Array($0.utf8)) } ?? .null
            return (1...count).map { index in
                let event = CloudEvent(
                    id: UUID().uuidString.lowercased(),
                    source: source,
                    type: type ?? "",
                    subject: subject,
                    time: now,
                    data: payload
                )
                return ("event \(index) of \(count)", .success(event))
            }
        }
        let bytes: [UInt8]
        if file == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let contents = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \"\(file)\"")
            }
            bytes = Array(contents)
        }
        let seed = UInt64(Date().timeIntervalSince1970 * 1000)
        return EventLines.decode(bytes, producer: "publish", type: type, seed: seed, time: now).map {
            ("line \($0.number)", $0.event)
        }
    }
}

/// What `flow publish` did, for its closing line.
struct PublishTally {
    var total: Int
    var accepted = 0
    var retried = 0
    var rejected = 0
    var failed = 0
    var malformed = 0

    var isClean: Bool { accepted == total }

    /// `published 9 of 10 events to URL: 1 rejected (3 retries after 503)`.
    func summary(url: String) -> String {
        var parts: [String] = []
        if rejected > 0 { parts.append("\(rejected) rejected") }
        if malformed > 0 { parts.append("\(malformed) malformed, not sent") }
        let unsent = total - accepted - rejected - malformed
        if unsent > 0 { parts.append("\(unsent) not sent") }
        var line = "published \(accepted) of \(total) event\(total == 1 ? "" : "s") to \(url)"
        if !parts.isEmpty { line += ": " + parts.joined(separator: ", ") }
        if retried > 0 { line += " (\(retried) retr\(retried == 1 ? "y" : "ies") after a full or busy endpoint)" }
        return line
    }
}
