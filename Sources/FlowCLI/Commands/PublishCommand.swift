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
            Events are sent one at a time in structured mode, as they are made or read. A 503 (topic full), 429, \
            408 or 5xx is sent again after its Retry-After (at most 5 s), up to --retries times; another 4xx is \
            reported and not sent again. The command stops when the endpoint would refuse the next event too: a \
            transport error, a 3xx, 404 or 405, or an event still refused after its retries.

            Examples:
              flow publish http://127.0.0.1:8080/events --type Order --data '{"n": 1}'
              flow publish http://127.0.0.1:8080/events --type Tick --count 1000
              flow publish http://127.0.0.1:8080/events --file orders.jsonl

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
        if file == nil, type?.isEmpty != false {
            throw ValidationError("give --type for the events to send, or --file")
        }
        if file != nil, data != nil || subject != nil || count != 1 {
            throw ValidationError("--data, --subject and --count describe generated events; --file has its own")
        }
        guard count >= 1, retries >= 0 else { throw ValidationError("--count must be 1 or more, --retries 0 or more") }
        if let data, (try? Value(json: Array(data.utf8))) == nil {
            throw ValidationError("--data is not valid JSON (quote strings: --data '\"text\"')")
        }
    }

    public func run() async throws {
        let client = IngestClient(url: url, retries: retries)
        var tally = PublishTally()
        if let file {
            try await sendLines(of: file, with: client, tally: &tally)
        } else {
            let payload = try data.map { try Value(json: Array($0.utf8)) } ?? .null
            for index in 1...count {
                let event = CloudEvent(
                    id: UUID().uuidString.lowercased(),
                    source: source,
                    type: type ?? "",
                    subject: subject,
                    time: Timestamp.rfc3339(Date()),
                    data: payload
                )
                guard await tally.send(.success(event), label: "event \(index) of \(count)", with: client) else {
                    tally.unsent = count - index
                    break
                }
            }
        }
        await client.shutdown()
        print(tally.summary(url: url))
        if !tally.isClean { throw ExitCode(1) }
    }

    /// Reads `path` (standard input for `-`) line by line and sends each event as soon as its line is read, so
    /// a large file or an endless pipe is never held in memory.
    private func sendLines(of path: String, with client: IngestClient, tally: inout PublishTally) async throws {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else if let opened = FileHandle(forReadingAtPath: path) {
            handle = opened
        } else {
            Terminal.printError("flow: cannot read \"\(path)\"")
            throw ExitCode(1)
        }
        var lines = EventLines(
            reading: handle,
            source: source,
            type: type,
            seed: UInt64(Date().timeIntervalSince1970 * 1000)
        )
        while case let batch = try lines.next(time: Timestamp.rfc3339(Date())), !batch.isEmpty {
            for line in batch {
                guard await tally.send(line.event, label: "line \(line.number)", with: client) else {
                    tally.stoppedEarly = true
                    return
                }
            }
        }
    }
}

/// What `flow publish` did, for its closing line.
struct PublishTally {
    var accepted = 0
    var rejected = 0
    var malformed = 0
    /// Events handed to the endpoint that it never took (the one that stopped the command).
    var failed = 0
    /// Generated events never tried because the command stopped.
    var unsent = 0
    /// Times events were refused (408, 429, 5xx) and sent again.
    var retried = 0
    /// A file whose rest was not read because the command stopped.
    var stoppedEarly = false

    var total: Int { accepted + rejected + malformed + failed + unsent }
    var isClean: Bool { accepted == total && !stoppedEarly }

    /// Sends `event` (or reports why the line is not one) and counts the outcome; false when the command must
    /// stop (the endpoint would refuse the next event as well).
    mutating func send(
        _ line: Result<CloudEvent, EventLines.Problem>,
        label: String,
        with client: IngestClient
    ) async -> Bool {
        let event: CloudEvent
        switch line {
        case .failure(let problem):
            Terminal.printError("flow: \(label): \(problem.message)")
            malformed += 1
            return true
        case .success(let decoded):
            event = decoded
        }
        switch await client.send(event) {
        case .accepted(let retries):
            accepted += 1
            retried += retries
            return true
        case .rejected(let message, let retries):
            Terminal.printError("flow: event \"\(event.id)\" (\(label)) rejected: \(message)")
            rejected += 1
            retried += retries
            return true
        case .failed(let message, let retries):
            Terminal.printError("flow: event \"\(event.id)\" (\(label)) not sent: \(message)")
            failed += 1
            retried += retries
            return false
        }
    }

    /// `published 9 of 10 events to URL: 1 rejected (2 retries after a full or busy endpoint)`.
    func summary(url: String) -> String {
        var parts: [String] = []
        if rejected > 0 { parts.append("\(rejected) rejected") }
        if malformed > 0 { parts.append("\(malformed) malformed, not sent") }
        if failed + unsent > 0 { parts.append("\(failed + unsent) not sent") }
        if stoppedEarly { parts.append("the rest of the file not read") }
        var line = "published \(accepted) of \(total) event\(total == 1 ? "" : "s") to \(url)"
        if !parts.isEmpty { line += ": " + parts.joined(separator: ", ") }
        if retried > 0 { line += " (\(retried) retr\(retried == 1 ? "y" : "ies") after a full or busy endpoint)" }
        return line
    }
}
