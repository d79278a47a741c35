import FlowCore

/// The language of `*.test.yml` files (docs/testing.md): the validator checks them against it (unknown keys
/// with did-you-mean hints, durations, types) and `flow schema --tests` prints it.
///
/// Invariant: the only description of the test format; `TestFileDecoder` reads only keys listed here.
public enum TestFileSchema {
    public static let root = ObjectSchema(
        "test file",
        "Tests of one pipeline, run by `flow test` on a virtual clock.",
        properties: [
            .init("version", .integer(min: 1, max: 1), required: true, "The test format's version; always 1 today."),
            .init("pipeline", .string(.text), required: true, "The pipeline file, relative to this file."),
            .init("tests", .list(of: .object(test), minItems: 1), required: true, "The tests, run in order."),
        ]
    )

    public static let test = ObjectSchema(
        "test",
        "Events given at virtual instants, mocked steps, a run, and what must hold afterwards.",
        properties: [
            .init("name", .string(.text), required: true, "What the test shows; `flow test --filter` matches it."),
            .init(
                "seed",
                .integer(min: 0, max: Int.max),
                default: "1",
                "The run's seed: jitter and random_* follow it."
            ),
            .init("env", .dictionary(of: .string(.text), names: "variable"), "The ${env.*} the pipeline sees."),
            .init(
                "producers",
                .string(.enumeration(["on", "off"])),
                default: "off",
                "Whether the pipeline's producers run; off: only the `given` events flow."
            ),
            .init(
                "faults",
                .string(.enumeration(["on", "off"])),
                default: "on",
                "Whether the pipeline's declared faults are injected."
            ),
            .init(
                "mocks",
                .dictionary(of: .list(of: .object(outcome), minItems: 1), names: "step"),
                "Steps replaced by scripted outcomes, one per call, the last repeating: CONSUMER.KIND "
                    + "(charge.exec) or CONSUMER.NUMBER (charge.2, charge.3.1.2 inside a route)."
            ),
            .init("given", .list(of: .object(given), minItems: 0), "Events published at virtual instants."),
            .init(
                "run",
                .string(.text),
                default: "idle",
                "`idle` (until nothing is left to do, retries included) or a virtual duration such as 10m."
            ),
            .init(
                "expect",
                .list(of: .object(expectation), minItems: 1),
                required: true,
                "What must hold after the run."
            ),
        ]
    )

    public static let outcome = ObjectSchema(
        "mock outcome",
        "What one call of a mocked step does; exactly one key.",
        properties: [
            .init("ok", .data(scope: nil), "Succeed; a mapping replaces the event's data (`ok: {}` keeps it)."),
            .init("emit", .list(of: .object(emission), minItems: 1), "Succeed and emit these events."),
            .init("retry", .string(.text), "Fail with this message; the attempt is retried."),
            .init("fail", .string(.text), "Fail permanently with this message (dead-lettered at once)."),
            .init("status", .integer(min: 100, max: 599), "Answer as an http reply with this status."),
            .init("body", .data(scope: nil), "With `status`: the reply's JSON body."),
        ],
        exclusive: ["ok", "emit", "retry", "fail", "status"],
        oneRequired: true
    )

    public static let emission = ObjectSchema(
        "mock emission",
        "An event a mocked step emits.",
        properties: [
            .init("to", .string(.topic), required: true, "The topic."),
            .init("type", .string(.text), "The event's type; the current event's when absent."),
            .init("data", .data(scope: nil), "The event's data; the current event's when absent."),
        ]
    )

    public static let given = ObjectSchema(
        "given event",
        "An event published to a topic at a virtual instant.",
        properties: [
            .init("to", .string(.topic), required: true, "The topic; its key expression picks the partition."),
            .init("at", .string(.duration), default: "0ms", "The virtual instant it is published at."),
            .init("event", .object(event), required: true, "The event."),
        ]
    )

    public static let event = ObjectSchema(
        "event",
        "A CloudEvent: attributes and data; `ext` holds extensions.",
        properties: [
            .init("id", .string(.text), "Its id; given-N (its position in `given`) when absent."),
            .init("type", .string(.text), default: "test.event", "Its type."),
            .init("source", .string(.text), default: "flow-test", "Its source."),
            .init("subject", .string(.text), "Its subject."),
            .init("data", .data(scope: nil), "Its data."),
            .init("ext", .dictionary(of: .data(scope: nil), names: "extension"), "Its extensions."),
        ]
    )

    public static let expectation = ObjectSchema(
        "expectation",
        "One of consumer, topic or log, with the keys that kind allows.",
        properties: [
            .init("consumer", .string(.identifier), "A consumer whose counts and attempts are checked."),
            .init("topic", .string(.topic), "A topic whose events are checked."),
            .init("log", .object(log), "A log line that must have been written."),
            .init("received", .integer(min: 0, max: Int.max), "Consumer: records it received."),
            .init("processed", .integer(min: 0, max: Int.max), "Consumer: events its steps finished."),
            .init("filtered", .integer(min: 0, max: Int.max), "Consumer: events a filter stopped."),
            .init("dropped", .integer(min: 0, max: Int.max), "Consumer: events a drop stopped."),
            .init("retried", .integer(min: 0, max: Int.max), "Consumer: attempts beyond the first."),
            .init("dead_lettered", .integer(min: 0, max: Int.max), "Consumer: envelopes it dead-lettered."),
            .init("failed", .integer(min: 0, max: Int.max), "Consumer: events given up without a dead-letter topic."),
            .init(
                "attempts",
                .dictionary(of: .list(of: .string(.duration), minItems: 0), names: "event id"),
                "Consumer: the virtual instants each attempt at these events started."
            ),
            .init("count", .integer(min: 0, max: Int.max), "Topic: how many events were stored in it during the run."),
            .init(
                "events",
                .list(of: .object(pattern), minItems: 1),
                "Topic: events that must have been stored in it, in this order; each matches on the fields it gives."
            ),
        ],
        exclusive: ["consumer", "topic", "log"],
        oneRequired: true
    )

    public static let pattern = ObjectSchema(
        "event pattern",
        "Fields an event must have; `data` and `ext` match as subsets.",
        properties: [
            .init("id", .string(.text), "Its id."),
            .init("type", .string(.text), "Its type."),
            .init("source", .string(.text), "Its source."),
            .init("subject", .string(.text), "Its subject."),
            .init("data", .data(scope: nil), "Data it contains (objects match by subset)."),
            .init("ext", .dictionary(of: .data(scope: nil), names: "extension"), "Extensions it has."),
        ]
    )

    public static let log = ObjectSchema(
        "log expectation",
        "A log line: its message contains `message`.",
        properties: [
            .init("message", .string(.text), required: true, "Text the message contains."),
            .init("at", .string(.duration), "The virtual instant it was logged at."),
        ]
    )

    /// The keys a consumer, a topic or a log expectation may have besides its own.
    static let consumerKeys: Set<String> = [
        "received", "processed", "filtered", "dropped", "retried", "dead_lettered", "failed", "attempts",
    ]
    static let topicKeys: Set<String> = ["count", "events"]
}
