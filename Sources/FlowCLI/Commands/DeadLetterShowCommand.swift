import ArgumentParser
import FlowCore

/// `flow dlq show`: one dead-letter envelope, whole, as JSON.
public struct DeadLetterShowCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one dead letter (its whole envelope: event, error, attempts, source) as JSON.",
        discussion: """
            Reads a file written by `flow run --dead-letters`, or with --broker a topic of a store \
            (read-only: it works beside the running pipeline). The id is the one `flow dlq list` shows.

            Examples:
              flow dlq show out/payments.dlq.jsonl 0b6f…
              flow dlq show --broker sqlite:state/payments.db payments.dlq 0b6f…
              flow dlq show --broker redis://10.0.0.5:6379/0 payments.dlq 0b6f…

            Exit status: 0, or 1 when the file, store or topic cannot be read or holds no such id.
            """
    )

    @Option(
        help: ArgumentHelp(
            "Read a topic of this store (sqlite:PATH or redis://…) instead of a file.",
            valueName: "URL"
        ),
        transform: BrokerArgument.parse
    )
    var broker: BrokerArgument?

    @Option(help: "On Redis: the pipeline (its `name:`) whose topic to read; found from the topic when omitted.")
    var pipeline: String?

    @Argument(help: "The file, or with --broker the topic.")
    var source: String

    @Argument(help: "The dead letter's id.")
    var id: String

    public init() {}

    public func validate() throws {
        if case .memory? = broker?.url {
            throw ValidationError("--broker memory: keeps nothing after its run; name a sqlite: or redis:// store")
        }
        try BrokerArgument.validate(pipeline: pipeline, with: broker)
    }

    public func run() async throws {
        let found: Result<Value, DeadLetterShow.Problem>
        switch broker?.url {
        case .redis(let address)?:
            found = await DeadLetterShow.find(id, in: source, redis: address, pipeline: pipeline)
        case let url?:
            found = DeadLetterShow.find(id, in: source, of: url)
        case nil:
            found = DeadLetterShow.find(id, file: source)
        }
        switch found {
        case .success(let envelope):
            print(envelope.prettyJSONString)
        case .failure(let problem):
            Terminal.printError(problem.message)
            throw ExitCode(1)
        }
    }
}
