import ArgumentParser

/// `flow dlq`: the dead-letter lifecycle's commands.
public struct DeadLetterCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "Inspect dead letters kept by `flow run --dead-letters`.",
        discussion: """
            Replay them by pointing a file: producer at the same files (docs/delivery.md).
            """,
        subcommands: [DeadLetterListCommand.self]
    )

    public init() {}
}

/// `flow dlq list FILE…`: one row per dead letter, then the errors by frequency.
public struct DeadLetterListCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List dead letters: id, type, where they were read, who gave up, attempts, error.",
        discussion: """
            Examples:
              flow run pipelines/retry-and-dlq.yml --until-idle --dead-letters out/
              flow dlq list out/payments.dlq.jsonl

            Exit status: 0, or 1 when a file cannot be read or a line is not a JSON object.
            """
    )

    @Argument(help: "Files written by `flow run --dead-letters` (JSON lines).")
    var files: [String]

    public init() {}

    public func run() throws {
        let outcome = DeadLetterList.render(files: files)
        if !outcome.errors.isEmpty { Terminal.printError(outcome.errors) }
        print(outcome.output)
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
