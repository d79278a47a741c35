/// One handler step of a consumer; steps run in order and any may stop the event (filter, drop) or fail it.
public struct Step: Sendable {
    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// The closed set of step kinds; `docs/steps.md` documents each.
    public enum Kind: Sendable {
        /// Writes the rendered message to the structured log.
        case log(Log)
        /// Assigns each target (`data.status`, `subject`, an extension) the rendered value, in order.
        case set([Assignment])
        /// Continues only when the expression is true; otherwise the event is committed as filtered.
        case filter(Expression)
        /// Publishes a derived event to another topic.
        case emit(Emit)
        /// Runs the first case whose `when` holds (a case without `when` is the default).
        case route([RouteCase])
        /// Waits before the next step (counts toward the attempt's timeout).
        case delay(Duration)
        /// A declared fault: fails the attempt when `when` holds (always when absent).
        case fail(Fail)
        /// Stops processing and commits the event as dropped when `when` holds (always when absent).
        case drop(when: Expression?)
        /// Runs a program (argv, never a shell) per event or as a long-lived worker.
        case exec(Exec)
        /// POSTs the CloudEvent to a URL.
        case http(HTTP)
        /// Calls a Swift handler registered through the library API.
        case swift(name: String)
    }

    /// The step kinds' YAML names, in documentation order.
    public static let kindNames = [
        "log", "set", "filter", "emit", "route", "delay", "fail", "drop", "exec", "http", "swift",
    ]

    public struct Log: Sendable {
        public enum Level: String, Sendable, CaseIterable {
            case trace, debug, info, notice, warning, error
        }

        public var message: Template
        public var level: Level

        public init(message: Template, level: Level = .info) {
            self.message = message
            self.level = level
        }
    }

    public struct Assignment: Sendable {
        /// `["data", "status"]`, `["subject"]`, `["myextension"]`.
        public var target: [String]
        public var value: Pipeline.ValueTemplate

        public init(target: [String], value: Pipeline.ValueTemplate) {
            self.target = target
            self.value = value
        }
    }

    public struct Emit: Sendable {
        public var to: String
        /// The new event's type; the current type when nil.
        public var type: Template?
        /// Overrides the target topic's key expression.
        public var key: Expression?
        /// The new event's data; the current data when nil.
        public var data: Pipeline.ValueTemplate?

        public init(to: String, type: Template? = nil, key: Expression? = nil, data: Pipeline.ValueTemplate? = nil) {
            self.to = to
            self.type = type
            self.key = key
            self.data = data
        }
    }

    public struct RouteCase: Sendable {
        /// nil for the default case, which must be last.
        public var when: Expression?
        /// Shorthand for a single `emit` to this topic.
        public var to: String?
        public var steps: [Step]
        public var location: SourceLocation

        public init(when: Expression?, to: String?, steps: [Step], location: SourceLocation) {
            self.when = when
            self.to = to
            self.steps = steps
            self.location = location
        }
    }

    public struct Fail: Sendable {
        public var when: Expression?
        /// A permanent failure skips remaining retries and dead-letters at once.
        public var permanent: Bool
        public var message: Template?

        public init(when: Expression? = nil, permanent: Bool = false, message: Template? = nil) {
            self.when = when
            self.permanent = permanent
            self.message = message
        }
    }

    public struct Exec: Sendable {
        public var command: [String]
        public var cwd: String?
        public var env: [String: String]
        public var permanentExitCodes: Set<Int32>
        public var worker: Bool
        /// With `worker`: the most worker processes (1...`maxWorkers`); nil for the consumer's concurrency.
        /// Fewer workers than concurrency pipelines several requests per worker (docs/workers.md).
        public var workers: Int?

        /// The largest `workers` the language accepts.
        public static let maxWorkers = 1024

        public init(
            command: [String],
            cwd: String? = nil,
            env: [String: String] = [:],
            permanentExitCodes: Set<Int32> = [],
            worker: Bool = false,
            workers: Int? = nil
        ) {
            self.command = command
            self.cwd = cwd
            self.env = env
            self.permanentExitCodes = permanentExitCodes
            self.worker = worker
            self.workers = workers
        }
    }

    public struct HTTP: Sendable {
        public enum Mode: String, Sendable, CaseIterable {
            case structured, binary
        }

        public var url: Template
        public var headers: [String: Template]
        public var timeout: Duration?
        public var mode: Mode

        public init(
            url: Template,
            headers: [String: Template] = [:],
            timeout: Duration? = nil,
            mode: Mode = .structured
        ) {
            self.url = url
            self.headers = headers
            self.timeout = timeout
            self.mode = mode
        }
    }
}
