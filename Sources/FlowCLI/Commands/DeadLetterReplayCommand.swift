import ArgumentParser
import FlowCore
import FlowSQLite

/// `flow dlq replay`: dead letters back to their source topic, in one transaction.
public struct DeadLetterReplayCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Move dead letters of a store back to their source topic (or --to) for the next run.",
        discussion: """
            Each selected envelope goes back to the topic named in it (`flowsourcetopic`) with a fresh \
            attempt budget and leaves the dead-letter topic in the same transaction, so a crash mid-replay \
            neither duplicates nor loses one. The event keeps its history: `flowreplays` counts its \
            replays, `flowpreviouserrors` holds the errors it was dead-lettered with. Producer envelopes of \
            malformed input are skipped (fix that input and feed it again). The replay owns the store \
            while it works: stop the pipeline first; its next run handles the replayed events.

            Examples:
              flow dlq replay --broker sqlite:state/payments.db payments.dlq --dry-run
              flow dlq replay --broker sqlite:state/payments.db payments.dlq --where 'ext.flowerror == "gateway timeout"'
              flow dlq replay --broker sqlite:state/payments.db payments.dlq --to payments.retry --limit 100

            Exit status: 0, 1 when the store or a topic cannot be used, 64 for a bad option.
            """
    )

    @Option(help: ArgumentHelp("The store (sqlite:PATH).", valueName: "URL"), transform: BrokerArgument.parse)
    var broker: BrokerArgument

    @Argument(help: "The dead-letter topic.")
    var topic: String

    @Option(help: "Replay to this topic instead of each envelope's source topic.")
    var to: String?

    @Option(
        name: .customLong("where"),
        help: "Replay only envelopes for which this expression is true (as a consumer's `when:`).",
        transform: EventFilter.parse
    )
    var filter: EventFilter?

    @Option(help: "Replay at most this many, oldest first.")
    var limit: Int?

    @Flag(help: "Show what would be replayed; change nothing.")
    var dryRun = false

    public init() {}

    public func validate() throws {
        guard case .sqlite = broker.url else {
            throw ValidationError("--broker \(broker.url) keeps no dead letters to replay; name a sqlite: store")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    public func run() throws {
        guard case .sqlite(let path, _) = broker.url else { throw ExitCode(64) }
        do {
            let report = try SQLiteDeadLetterReplay.replay(
                path: path,
                from: topic,
                to: to,
                limit: limit,
                dryRun: dryRun
            ) { event in filter?.matches(event) ?? true }
            var targets: [String: Int] = [:]
            for move in report.replayed { targets[move.to, default: 0] += 1 }
            let destinations = targets.sorted { $0.key < $1.key }.map { "\($0.value) to \"\($0.key)\"" }
            let verb = dryRun ? "would replay" : "replayed"
            let count = report.replayed.count
            print(
                "\(verb) \(count) dead letter\(count == 1 ? "" : "s") from \"\(topic)\" of \(path)"
                    + (destinations.isEmpty ? "" : ": " + destinations.joined(separator: ", "))
            )
            if report.skippedMalformed > 0 {
                print(
                    "skipped \(report.skippedMalformed) producer envelopes of malformed input (fix that input and feed it again)"
                )
            }
        } catch {
            Terminal.printError("flow: \(error)")
            throw ExitCode(1)
        }
    }
}
