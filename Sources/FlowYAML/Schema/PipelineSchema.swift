import FlowCore

/// The pipeline language: every key `flow` accepts, its shape and its documentation.
///
/// Invariant: this is the only description of the language. The validator, the decoder's key lookups,
/// `flow schema` and `docs/language.md` all come from it.
public enum PipelineSchema {
    /// The versions of the language this build reads.
    public static let supportedVersions = 1...1

    public static let root = ObjectSchema(
        "pipeline",
        "A flow pipeline: topics, the producers that write them and the consumers that read them.",
        properties: [
            .init("version", .integer(min: 1, max: 1), required: true, "The language version; always 1 today."),
            .init(
                "name",
                .string(.identifier),
                "The pipeline's name in logs and summaries; defaults to the file name."
            ),
            .init("description", .string(.text), "Free text for people reading the file."),
            .init(
                "broker",
                .string(.text),
                default: "memory",
                "Where topics live: memory: or sqlite:PATH (see docs/backends.md); `flow run --broker` overrides it."
            ),
            .init("defaults", .object(defaults), "Settings every consumer inherits unless it says otherwise."),
            .init("topics", .dictionary(of: .object(topic), names: "topic"), required: true, "The topics, by name."),
            .init("producers", .dictionary(of: .object(producer), names: "producer"), "Event sources, by name."),
            .init("consumers", .dictionary(of: .object(consumer), names: "consumer"), "Event handlers, by name."),
            .init(
                "faults",
                .list(of: .object(fault), minItems: 1),
                "Declared faults for chaos drills and tests; off in `flow run` unless `--faults` is given."
            ),
        ]
    )

    public static let topic = ObjectSchema(
        "topic",
        "An append-only log split into partitions.",
        properties: [
            .init("partitions", .integer(min: 1, max: 1024), default: "1", "How many partitions the topic has."),
            .init(
                "key",
                .string(.expression(.partitionKey)),
                "Expression whose value picks the partition; equal keys keep their order."
            ),
            .init(
                "capacity",
                .integer(min: 1, max: 1_000_000),
                default: "1024",
                "Events buffered per partition before producers are slowed down."
            ),
            .init("description", .string(.text), "Free text."),
        ]
    )

    public static let producer = ObjectSchema(
        "producer",
        "A source of events for one topic; exactly one of generate, file, stdin or http.",
        properties: [
            .init("to", .string(.topic), required: true, "The topic the producer writes."),
            .init("generate", .object(generate), "Generate templated events."),
            .init(
                "file",
                .oneOf([.string(.text), .object(fileSource)]),
                "Read JSON lines: CloudEvents, or bare data wrapped in an event of `type`."
            ),
            .init("stdin", .oneOf([.null, .object(stdinSource)]), "Read JSON lines from standard input."),
            .init("http", .object(httpSource), "Accept CloudEvents posted over HTTP."),
            .init("dead_letter", .string(.topic), "Where malformed input lines go."),
            .init("description", .string(.text), "Free text."),
        ],
        exclusive: ["generate", "file", "stdin", "http"],
        oneRequired: true
    )

    public static let generate = ObjectSchema(
        "generate",
        "Templated events, `count` of them (unbounded without it) at `rate` (as fast as possible without it).",
        properties: [
            .init("count", .integer(min: 0, max: Int.max), "How many events to generate."),
            .init("rate", .string(.rate), "How fast, such as 500/s or 30/m."),
            .init("event", .object(eventTemplate), required: true, "The event; strings may hold ${...} templates."),
        ]
    )

    public static let eventTemplate = ObjectSchema(
        "event",
        "A CloudEvent to generate; strings are templates with uuid(), seq(), now(), random_int(), random_float().",
        properties: [
            .init("type", .string(.template(.producer)), required: true, "The CloudEvents type."),
            .init("source", .string(.template(.producer)), "The CloudEvents source; defaults to `flow/<producer>`."),
            .init("subject", .string(.template(.producer)), "The CloudEvents subject."),
            .init("data", .data(scope: .producer), "The payload."),
            .init(
                "extensions",
                .dictionary(of: .string(.template(.producer)), names: "extension"),
                "Extension attributes (lower-case alphanumeric names)."
            ),
        ]
    )

    public static let fileSource = ObjectSchema(
        "file",
        "JSON lines from a file.",
        properties: [
            .init("path", .string(.text), required: true, "The file, relative to the working directory."),
            .init("type", .string(.text), "The type of events whose lines hold bare data."),
        ]
    )

    public static let stdinSource = ObjectSchema(
        "stdin",
        "JSON lines from standard input.",
        properties: [
            .init("type", .string(.text), "The type of events whose lines hold bare data.")
        ]
    )

    public static let httpSource = ObjectSchema(
        "http ingest",
        "An HTTP endpoint: POST a CloudEvent (structured or binary mode) to `path`; `GET /healthz` answers ok.",
        properties: [
            .init(
                "listen",
                .string(.text),
                required: true,
                "The address to bind, host:port such as 127.0.0.1:8080 (port 0 picks a free one)."
            ),
            .init("path", .string(.text), default: "/events", "The path events are posted to; starts with /."),
        ]
    )
}
