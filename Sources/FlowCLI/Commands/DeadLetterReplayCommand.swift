import ArgumentParser
import FlowCore
import FlowRedis
import FlowRuntime
import FlowSQLite

/// `flow dlq replay`: dead letters back to their source topic, each envelope moved atomically.
public struct DeadLetterReplayCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Move dead letters of a store back to their source topic (or --to).",
        discussion: """
            Each selected envelope goes back to the topic named in it (`flowsourcetopic`) with a fresh \
            attempt budget and leaves the dead-letter topic in the same transaction (SQLite) or script \
            (Redis), so a crash mid-replay neither duplicates nor loses one. The event keeps its history \
            and its trace: `flowreplays` counts its replays, `flowpreviouserrors` holds the errors it was \
            dead-lettered with. Producer envelopes of malformed input are skipped (fix that input and feed \
            it again).

            On SQLite the replay owns the store while it works: stop the pipeline first; its next run \
            handles the replayed events. On Redis it runs beside running pipelines, which pick the events \
            up at once; a target partition's `capacity` holds, and what has no room stays a dead letter \
            (run it again once the consumers caught up).

            Examples:
              flow dlq replay --broker sqlite:state/payments.db payments.dlq --dry-run
              flow dlq replay --broker sqlite:state/payments.db payments.dlq --where 'ext.flowerror == "gateway timeout"'
              flow dlq replay --broker redis://10.0.0.5:6379/0 payments.dlq --to payments.retry --limit 100

            Exit status: 0, 1 when the store or a topic cannot be used or some envelopes had no room, \
            64 for a bad option.
            """
    )

    @Option(
        help: ArgumentHelp("The store (sqlite:PATH or redis://…).", valueName: "URL"),
        transform: BrokerArgument.parse
    )
    var broker: BrokerArgument

    @Option(help: "On Redis: the pipeline (its `name:`) whose topic to replay; found from the topic when omitted.")
    var pipeline: String?

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
        if case .memory = broker.url {
            throw ValidationError("--broker memory: keeps no dead letters to replay; name a sqlite: or redis:// store")
        }
        try BrokerArgument.validate(pipeline: pipeline, with: broker)
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    public func run() async throws {
        let select = { (event: CloudEvent) in filter?.matches(event) ?? true }
        let report: DeadLetterReplay.Report
        let place: String
        switch broker.url {
        case .sqlite(let path, _, _):
            place = path
            do {
                report = try SQLiteDeadLetterReplay.replay(
                    path: path,
                    from: topic,
                    to: to,
                    limit: limit,
                    dryRun: dryRun,
                    select: select
                )
            } catch {
                Terminal.printError("flow: \(error)")
                throw ExitCode(1)
            }
        case .redis(let address):
            let reader: RedisReader
            switch await RedisReader.open(address, pipeline: pipeline, topic: topic) {
            case .success(let opened): reader = opened
            case .failure(let problem):
                Terminal.printError(problem.message)
                throw ExitCode(1)
            }
            place = "pipeline \"\(reader.pipeline)\" on \(reader.url)"
            let outcome: Result<DeadLetterReplay.Report, BrokerError>
            do throws(BrokerError) {
                outcome = .success(
                    try await reader.broker.replayDeadLetters(
                        from: topic,
                        to: to,
                        limit: limit,
                        dryRun: dryRun,
                        select: select
                    )
                )
            } catch {
                outcome = .failure(error)
            }
            await reader.close()
            switch outcome {
            case .success(let done): report = done
            case .failure(let error):
                Terminal.printError("\(reader.url): error: pipeline \"\(reader.pipeline)\": \(error)")
                throw ExitCode(1)
            }
        case .memory:
            throw ExitCode(64)
        }
        print(Self.summary(of: report, from: topic, of: place, dryRun: dryRun))
        if !report.leftForRoom.isEmpty { throw ExitCode(1) }
    }

    /// What the replay did, one line per kind of outcome.
    static func summary(
        of report: DeadLetterReplay.Report,
        from topic: String,
        of place: String,
        dryRun: Bool
    )
        -> String
    {
        var targets: [String: Int] = [:]
        for move in report.replayed { targets[move.to, default: 0] += 1 }
        let destinations = targets.sorted { $0.key < $1.key }.map { "\($0.value) to \"\($0.key)\"" }
        let count = report.replayed.count
        var lines = [
            "\(dryRun ? "would replay" : "replayed") \(count) dead letter\(count == 1 ? "" : "s") from \"\(topic)\" of \(place)"
                + (destinations.isEmpty ? "" : ": " + destinations.joined(separator: ", "))
        ]
        if report.skippedMalformed > 0 {
            lines.append(
                "skipped \(report.skippedMalformed) producer envelopes of malformed input (fix that input and feed it again)"
            )
        }
        if report.gone > 0 {
            lines.append("skipped \(report.gone) already gone (replayed or evicted by someone else meanwhile)")
        }
        for (target, left) in report.leftForRoom.sorted(by: { $0.key < $1.key }) {
            lines.append(
                "left \(left) dead letter\(left == 1 ? "" : "s") for \"\(target)\" where \(left == 1 ? "it is" : "they are"): "
                    + "\"\(target)\" is at capacity; run the replay again once its consumers caught up"
            )
        }
        return lines.joined(separator: "\n")
    }
}
