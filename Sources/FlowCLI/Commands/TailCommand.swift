import ArgumentParser
import FlowCore
import FlowRuntime
import FlowSQLite
import Foundation

/// `flow tail`: follows a topic of a store from another process, read-only, like Kafka's console consumer.
public struct TailCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Follow a topic of a durable store from another process, read-only.",
        discussion: """
            Prints each record the store holds, then new ones as they are stored (polling every 200 ms), \
            until Ctrl-C, --limit or, with --no-follow, the end of what is stored. It never takes the \
            store's lock, so it runs beside the pipeline that owns it. On Redis the pipeline is the one \
            that declared the topic (or --pipeline). Records every group has acked are \
            deleted from the store, so on a busy topic tail shows the backlog, not every record; dead-letter \
            topics and topics no group reads keep their last `retention` records.

            Examples:
              flow tail --broker sqlite:state/orders.db orders
              flow tail --broker sqlite:state/payments.db payments.dlq --from earliest --no-follow
              flow tail --broker sqlite:state/orders.db orders --where 'data.total > 100' --format json
              flow tail --broker redis://10.0.0.5:6379/0 payments.dlq --from earliest

            Exit status: 0, 1 when the store or topic cannot be read, 64 for a bad option.
            """
    )

    /// How records are printed.
    public enum Format: String, CaseIterable, ExpressibleByArgument {
        /// `partition:offset id type` and the data as compact JSON.
        case text
        /// The stored CloudEvent, one JSON object per line.
        case json
    }

    /// Where to start.
    public enum Start: String, CaseIterable, ExpressibleByArgument {
        case earliest, latest
    }

    @Option(
        help: ArgumentHelp("The store to read (sqlite:PATH or redis://…).", valueName: "URL"),
        transform: BrokerArgument.parse
    )
    var broker: BrokerArgument

    @Option(help: "On Redis: the pipeline (its `name:`) whose topic to follow; found from the topic when omitted.")
    var pipeline: String?

    @Argument(help: "The topic to follow.")
    var topic: String

    @Option(help: "earliest: everything the store still holds; latest: only records stored from now on.")
    var from: Start = .latest

    @Option(
        name: .customLong("where"),
        help: "Print only events for which this expression is true (as a consumer's `when:`).",
        transform: EventFilter.parse
    )
    var filter: EventFilter?

    @Option(help: "text or json (one CloudEvent per line).")
    var format: Format = .text

    @Option(help: "Stop after printing this many records.")
    var limit: Int?

    @Flag(help: "Print what is stored and stop instead of waiting for more.")
    var noFollow = false

    public init() {}

    public func validate() throws {
        if case .memory = broker.url {
            throw ValidationError(
                "--broker memory: keeps nothing another process can read; name a sqlite: or redis:// store"
            )
        }
        try BrokerArgument.validate(pipeline: pipeline, with: broker)
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    public func run() async throws {
        let source: any TailSource
        switch broker.url {
        case .redis(let address):
            switch await RedisReader.open(address, pipeline: pipeline, topic: topic) {
            case .success(let reader):
                source = reader
            case .failure(let problem):
                Terminal.printError(problem.message)
                throw ExitCode(1)
            }
        case .sqlite(let path, _, _):
            do {
                source = SQLiteTailSource(reader: try SQLiteStoreReader(path: path))
            } catch {
                Terminal.printError("flow: \(error)")
                throw ExitCode(1)
            }
        case .memory:
            throw ExitCode(64)
        }
        do {
            try await follow(source)
            await source.close()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Terminal.printError("flow: \(error)")
            throw ExitCode(1)
        }
    }

    /// Prints what `source` holds of the topic and, unless --no-follow, what it stores next.
    private func follow(_ source: any TailSource) async throws {
        guard let ends = try await source.endOffsets(of: topic) else {
            Terminal.printError("\(broker.url): error: the store has no topic \"\(topic)\"")
            throw ExitCode(1)
        }
        var next = from == .latest ? ends : Array(repeating: 0, count: ends.count)
        var printed = 0
        while true {
            var found = false
            for p in next.indices {
                for record in try await source.records(of: topic, partition: p, from: next[p], limit: 512) {
                    found = true
                    next[p] = record.position.offset + 1
                    guard filter?.matches(record.event) ?? true else { continue }
                    print(line(for: record))
                    printed += 1
                    if let limit, printed >= limit { return }
                }
            }
            if !found {
                if noFollow { return }
                fflush(nil)  // all streams: what was printed reaches a pipe before the wait
                // Polling another process's store, as a console consumer does.
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func line(for record: BrokerRecord) -> String {
        switch format {
        case .json:
            return String(decoding: record.event.jsonBytes, as: UTF8.self)
        case .text:
            let event = record.event
            let data = event.data == .null ? "" : event.data.jsonString
            return "\(record.position.partition):\(record.position.offset) \(event.id) \(event.type) \(data)"
        }
    }
}
