/// A stable diagnostic rule id with a one-line summary; the catalogue below is the complete set.
///
/// Invariant: ids are kebab-case and never change meaning once released (CI configs and docs cite them).
public struct Rule: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let id: String
    public let summary: String

    public init(_ id: String, _ summary: String) {
        self.id = id
        self.summary = summary
    }

    public var description: String { id }

    public static func < (lhs: Rule, rhs: Rule) -> Bool { lhs.id < rhs.id }

    public static func == (lhs: Rule, rhs: Rule) -> Bool { lhs.id == rhs.id }

    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

// The catalogue, alphabetical by id. `docs/rules.md` documents each one.
extension Rule {
    public static let breakerInvalid = Rule(
        "breaker-invalid",
        "circuit breaker needs failures >= 1 and a positive open_for"
    )
    public static let brokerURL = Rule("broker-url", "a broker URL names no known backend or does not parse")
    public static let commandNotFound = Rule(
        "command-not-found",
        "an exec step's program cannot be found where the run will look for it"
    )
    public static let constantFilter = Rule(
        "constant-filter",
        "a filter reads nothing of the event: it always keeps or always drops"
    )
    public static let deadLetterCycle = Rule(
        "dead-letter-cycle",
        "dead-letter topics must not lead back to their source"
    )
    public static let deadLetterSelf = Rule(
        "dead-letter-self",
        "a consumer's dead-letter topic is its own source topic"
    )
    public static let emitCycle = Rule(
        "emit-cycle",
        "unconditional emits lead back to their source: every event comes back forever"
    )
    public static let envMissing = Rule("env-missing", "an ${env.NAME} variable is not set and has no fallback")
    public static let expressionSyntax = Rule("expression-syntax", "an expression does not parse")
    public static let expressionType = Rule("expression-type", "an expression uses a value of the wrong type")
    public static let fileUnreadable = Rule("file-unreadable", "a pipeline file cannot be read")
    public static let invalidDuration = Rule("invalid-duration", "a duration is not like 250ms, 1.5s, 2m or 1h")
    public static let invalidRate = Rule("invalid-rate", "a rate is not like 500/s or 30/m")
    public static let invalidValue = Rule("invalid-value", "a value is outside its allowed range or set")
    public static let keyHoldBack = Rule(
        "key-hold-back",
        "a failing event can hold back its key longer than a minute"
    )
    public static let missingKey = Rule("missing-key", "a required key is absent")
    public static let noPipelines = Rule("no-pipelines", "no pipeline files were found")
    public static let retryBounds = Rule("retry-bounds", "retry settings contradict each other")
    public static let retryOutlastsGrace = Rule(
        "retry-outlasts-grace",
        "one event's attempts and backoff can outlast the shutdown grace"
    )
    public static let retryOutlastsLease = Rule(
        "retry-outlasts-lease",
        "one event's attempts and backoff can outlast the Redis lease"
    )
    public static let retryWithoutDeadLetter = Rule(
        "retry-without-dead-letter",
        "finite retries with no dead-letter topic: exhausted events fail the run"
    )
    public static let settingWithoutEffect = Rule(
        "setting-without-effect",
        "a setting can never take effect as written"
    )
    public static let testReference = Rule(
        "test-reference",
        "a test names a consumer or a step that its pipeline does not have"
    )
    public static let timeoutBeforeDelay = Rule(
        "timeout-before-delay",
        "a consumer's delay steps outlast its timeout: every attempt that reaches them times out"
    )
    public static let timeoutInvalid = Rule("timeout-invalid", "a timeout must be positive")
    public static let topicNeverWritten = Rule(
        "topic-never-written",
        "a consumer reads a topic that nothing in the pipeline writes"
    )
    public static let undeclaredTopic = Rule("undeclared-topic", "a topic is used but not declared under topics:")
    public static let unknownFunction = Rule("unknown-function", "an expression calls a function that does not exist")
    public static let unknownHandler = Rule("unknown-handler", "a swift: step names a handler that is not registered")
    public static let unknownKey = Rule("unknown-key", "a key is not part of the pipeline language")
    public static let unknownStep = Rule("unknown-step", "a step kind is not one of the built-in kinds")
    public static let unreadTopic = Rule("unread-topic", "a topic is written but no consumer reads it")
    public static let unsupportedVersion = Rule("unsupported-version", "the pipeline's version is not supported")
    public static let wrongType = Rule("wrong-type", "a value has the wrong YAML type")
    public static let yamlDuplicateKey = Rule("yaml-duplicate-key", "a mapping has the same key twice")
    public static let yamlLimit = Rule("yaml-limit", "the document exceeds a safety limit (size, depth or aliases)")
    public static let yamlSyntax = Rule("yaml-syntax", "the file is not valid YAML")
    public static let yamlUnknownAlias = Rule("yaml-unknown-alias", "an alias names an anchor that was not defined")

    /// Every rule, alphabetical; tests check that each has a fixture and a `docs/rules.md` entry.
    public static let all: [Rule] = [
        .breakerInvalid, .brokerURL, .commandNotFound, .constantFilter, .deadLetterCycle, .deadLetterSelf,
        .emitCycle, .envMissing, .expressionSyntax, .expressionType, .fileUnreadable, .invalidDuration,
        .invalidRate, .invalidValue, .keyHoldBack, .missingKey, .noPipelines, .retryBounds, .retryOutlastsGrace,
        .retryOutlastsLease, .retryWithoutDeadLetter, .settingWithoutEffect, .testReference,
        .timeoutBeforeDelay, .timeoutInvalid, .topicNeverWritten, .undeclaredTopic, .unknownFunction,
        .unknownHandler, .unknownKey, .unknownStep, .unreadTopic, .unsupportedVersion, .wrongType,
        .yamlDuplicateKey, .yamlLimit, .yamlSyntax, .yamlUnknownAlias,
    ]
}
