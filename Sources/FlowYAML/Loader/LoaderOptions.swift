import FlowCore

/// What loading a pipeline depends on besides the file: injected, never read from globals, so tests and
/// `flow validate` in CI see exactly what they pass.
public struct LoaderOptions: Sendable {
    /// Variables `${env.NAME}` reads.
    public var environment: [String: String]
    /// Names of the Swift handlers registered through the library API; nil in the `flow` CLI, where a
    /// `swift:` step is therefore an error.
    public var swiftHandlers: Set<String>?
    public var limits: YAMLLimits
    /// Whether and how `exec` programs are looked up (`command-not-found`); nil skips the check.
    public var commands: CommandCheck?

    public init(
        environment: [String: String] = [:],
        swiftHandlers: Set<String>? = nil,
        limits: YAMLLimits = .default,
        commands: CommandCheck? = nil
    ) {
        self.environment = environment
        self.swiftHandlers = swiftHandlers
        self.limits = limits
        self.commands = commands
    }

    /// Looks up each `exec` step's program as the run will (`ExecutableLookup`).
    public struct CommandCheck: Sendable {
        /// What relative commands and `cwd`s are taken from: the directory `flow` runs in.
        public var currentDirectory: String
        /// The environment the run starts programs with (its `PATH` is searched); the process's, in the CLI.
        public var environment: [String: String]
        /// `.error` for `flow run`, which must not start a pipeline whose every such event would fail;
        /// `.warning` for `flow validate`, which may run where handlers are not installed (`--strict` fails).
        public var severity: Severity

        public init(currentDirectory: String, environment: [String: String], severity: Severity) {
            self.currentDirectory = currentDirectory
            self.environment = environment
            self.severity = severity
        }
    }
}
