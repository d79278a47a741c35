import FlowCore

extension PipelineSchema {
    /// Named shapes that refer to themselves (a route case holds steps).
    public static func definition(_ name: String) -> SchemaType {
        switch name {
        case "step": step
        default: preconditionFailure("unknown schema definition \(name)")
        }
    }

    /// The names `.reference` may use, for JSON Schema `$defs`.
    public static let definitionNames = ["step"]

    /// A step: a one-key mapping naming its kind, or the bare word `drop`.
    public static let step: SchemaType = .oneOf([.string(.enumeration(["drop"])), .object(stepKinds)])

    public static let stepKinds = ObjectSchema(
        "step",
        "One handler step: a mapping with exactly one key naming its kind.",
        properties: [
            .init(
                "log",
                .oneOf([.string(.template(.consumer)), .object(logStep)]),
                "Write a message to the structured log."
            ),
            .init(
                "set",
                .dictionary(of: .data(scope: .consumer), names: "target"),
                "Assign fields: keys are targets (data.x, subject, ext.name), values templates."
            ),
            .init("filter", .string(.expression(.consumer)), "Continue only when the expression holds."),
            .init("emit", .oneOf([.string(.topic), .object(emitStep)]), "Publish a derived event to a topic."),
            .init("route", .list(of: .object(routeCase), minItems: 1), "Run the first case whose `when` holds."),
            .init("delay", .string(.duration), "Wait before the next step."),
            .init(
                "fail",
                .oneOf([.null, .string(.expression(.consumer)), .object(failStep)]),
                "A declared fault: fail the attempt when `when` holds."
            ),
            .init(
                "drop",
                .oneOf([.null, .string(.expression(.consumer)), .object(dropStep)]),
                "Stop and commit the event as dropped when `when` holds."
            ),
            .init(
                "exec",
                .oneOf([.list(of: .string(.text), minItems: 1), .object(execStep)]),
                "Run a program (argv, never a shell) with the event as JSON on stdin."
            ),
            .init("http", .oneOf([.string(.template(.consumer)), .object(httpStep)]), "POST the event to a URL."),
            .init("swift", .string(.identifier), "Call a Swift handler registered through the library API."),
        ],
        exclusive: Step.kindNames,
        oneRequired: true,
        keysAreKinds: true
    )

    public static let logStep = ObjectSchema(
        "log",
        "A log line.",
        properties: [
            .init("message", .string(.template(.consumer)), required: true, "The message template."),
            .init(
                "level",
                .string(.enumeration(Step.Log.Level.allCases.map(\.rawValue))),
                default: "info",
                "The log level."
            ),
        ]
    )

    public static let emitStep = ObjectSchema(
        "emit",
        "A derived event.",
        properties: [
            .init("to", .string(.topic), required: true, "The target topic."),
            .init("type", .string(.template(.consumer)), "The new type; the current one when absent."),
            .init("key", .string(.expression(.consumer)), "Partition key; the target topic's key when absent."),
            .init("data", .data(scope: .consumer), "The new data; the current data when absent."),
        ]
    )

    public static let routeCase = ObjectSchema(
        "route case",
        "A case: `when` (absent on the last, default case) and either `to` or `steps`.",
        properties: [
            .init("when", .string(.expression(.consumer)), "The condition; the default case has none."),
            .init("to", .string(.topic), "Emit the event to this topic."),
            .init("steps", .list(of: .reference("step"), minItems: 1), "Run these steps."),
        ],
        exclusive: ["to", "steps"],
        oneRequired: true
    )

    public static let failStep = ObjectSchema(
        "fail",
        "A declared fault for demos and tests.",
        properties: [
            .init("when", .string(.expression(.consumer)), "Fail only when this holds."),
            .init("permanent", .boolean, default: "false", "Dead-letter at once instead of retrying."),
            .init("message", .string(.template(.consumer)), "The error message."),
        ]
    )

    public static let dropStep = ObjectSchema(
        "drop",
        "Drop the event.",
        properties: [.init("when", .string(.expression(.consumer)), "Drop only when this holds.")]
    )

    public static let execStep = ObjectSchema(
        "exec",
        "A program run per event, or a long-lived worker.",
        properties: [
            .init("command", .list(of: .string(.text), minItems: 1), required: true, "argv: program and arguments."),
            .init("cwd", .string(.text), "Working directory."),
            .init("env", .dictionary(of: .string(.text), names: "variable"), "Extra environment variables."),
            .init(
                "permanent_exit_codes",
                .list(of: .integer(min: 1, max: 255), minItems: 0),
                "Exit codes that dead-letter at once."
            ),
            .init("worker", .boolean, default: "false", "Keep processes alive and speak JSON lines."),
            .init(
                "workers",
                .integer(min: 1, max: Step.Exec.maxWorkers),
                default: "concurrency",
                "With worker: the most processes; fewer than concurrency pipelines requests."
            ),
        ]
    )

    public static let httpStep = ObjectSchema(
        "http",
        "POST the CloudEvent.",
        properties: [
            .init("url", .string(.template(.consumer)), required: true, "The URL (a template)."),
            .init("headers", .dictionary(of: .string(.template(.consumer)), names: "header"), "Extra headers."),
            .init("timeout", .string(.duration), "Request timeout."),
            .init(
                "mode",
                .string(.enumeration(Step.HTTP.Mode.allCases.map(\.rawValue))),
                default: "structured",
                "CloudEvents HTTP binding mode."
            ),
        ]
    )
}
