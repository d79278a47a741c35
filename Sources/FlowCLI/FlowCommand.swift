import ArgumentParser

/// The `flow` root command: configuration only; the work lives in subcommands.
public struct FlowCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "flow",
        abstract: "Run and check declarative event pipelines.",
        version: "0.1.0",
        subcommands: [
            RunCommand.self, TestCommand.self, ValidateCommand.self, ExplainCommand.self, GraphCommand.self,
            SchemaCommand.self,
            PublishCommand.self,
            DeadLetterCommand.self, TailCommand.self,
        ]
    )

    public init() {}
}
