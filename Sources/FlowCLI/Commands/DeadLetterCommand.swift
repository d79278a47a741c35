import ArgumentParser
import FlowCore

/// `flow dlq`: the dead-letter lifecycle's commands.
public struct DeadLetterCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Inspect dead letters kept by `flow run --dead-letters` or in a durable store.",
        discussion: """
            Replay them by pointing a file: producer at the same files (docs/delivery.md).
            """,
        subcommands: [DeadLetterListCommand.self, DeadLetterShowCommand.self, DeadLetterReplayCommand.self]
    )

    public init() {}
}

/// `flow dlq list FILE…`: one row per dead letter, then the errors by frequency.
public struct DeadLetterListCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List dead letters: id, type, where they were read, who gave up, attempts, error.",
        discussion: """
            With --broker, reads the topics of a store instead (read-only: it works beside the running \
            pipeline); without topics, every stored topic no group reads. On Redis, name the topics; the \
            pipeline that declared them is found (or name it with --pipeline).

            Examples:
              flow run pipelines/retry-and-dlq.yml --until-idle --dead-letters out/
              flow dlq list out/payments.dlq.jsonl
              flow dlq list out/
              flow dlq list --broker sqlite:state/payments.db payments.dlq
              flow dlq list --broker redis://10.0.0.5:6379/0 payments.dlq

            Exit status: 0, or 1 when a file, store or topic cannot be read or a line is not a JSON object.
            """
    )

    @Option(
        help: ArgumentHelp(
            "Read the topics of this store (sqlite:PATH or redis://…) instead of files.",
            valueName: "URL"
        ),
        transform: BrokerArgument.parse
    )
    var broker: BrokerArgument?

    @Option(help: "On Redis: the pipeline (its `name:`) whose topics to read; found from the topic when omitted.")
    var pipeline: String?

    @Argument(
        help: "Files (or directories) written by `flow run --dead-letters` (JSON lines), or with --broker the topics."
    )
    var files: [String] = []

    public init() {}

    public func validate() throws {
        if broker == nil, files.isEmpty { throw ValidationError("name the files to read, or a store with --broker") }
        if case .memory? = broker?.url {
            throw ValidationError("--broker memory: keeps nothing after its run; name a sqlite: or redis:// store")
        }
        try BrokerArgument.validate(pipeline: pipeline, with: broker)
    }

    public func run() async throws {
        let outcome: (output: String, errors: String, exitCode: Int32)
        switch broker?.url {
        case .redis(let address)?:
            outcome = await DeadLetterList.render(redis: address, pipeline: pipeline, topics: files)
        case let url?:
            outcome = DeadLetterList.render(store: url, topics: files)
        case nil:
            outcome = DeadLetterList.render(files: files)
        }
        if !outcome.errors.isEmpty { Terminal.printError(outcome.errors) }
        print(outcome.output)
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
