/// What loading a pipeline depends on besides the file: injected, never read from globals, so tests and
/// `flow validate` in CI see exactly what they pass.
public struct LoaderOptions: Sendable {
    /// Variables `${env.NAME}` reads.
    public var environment: [String: String]
    /// Names of the Swift handlers registered through the library API; nil in the `flow` CLI, where a
    /// `swift:` step is therefore an error.
    public var swiftHandlers: Set<String>?
    public var limits: YAMLLimits

    public init(environment: [String: String] = [:], swiftHandlers: Set<String>? = nil, limits: YAMLLimits = .default) {
        self.environment = environment
        self.swiftHandlers = swiftHandlers
        self.limits = limits
    }
}
