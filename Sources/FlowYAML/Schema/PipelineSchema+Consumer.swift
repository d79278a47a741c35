import FlowCore

extension PipelineSchema {
    /// The delivery settings a consumer shares with `defaults:`.
    static let deliveryProperties: [ObjectSchema.Property] = [
        .init("concurrency", .integer(min: 1, max: 10_000), default: "1", "Handlers in flight at once."),
        .init("timeout", .string(.duration), "Limit per attempt; a late result is ignored and the attempt failed."),
        .init("retry", .object(retry), "How failed events are retried."),
        .init("dead_letter", .string(.topic), "Where events go once retries are exhausted or a failure is permanent."),
        .init("circuit_breaker", .object(circuitBreaker), "Pause consumption after consecutive failures."),
    ]

    public static let defaults = ObjectSchema(
        "defaults",
        "Delivery settings applied to every consumer that does not set them itself.",
        properties: deliveryProperties
    )

    public static let consumer = ObjectSchema(
        "consumer",
        "Reads one topic as a member of a consumer group and runs its steps for every event.",
        properties: [
            .init("from", .string(.topic), required: true, "The topic to read."),
            .init(
                "group",
                .string(.identifier),
                default: "the consumer's name",
                "Consumer group: every group sees every event; members of one group share the work."
            ),
            .init("filter", .string(.expression(.consumer)), "Only events for which this holds are handled."),
            .init("steps", .list(of: .reference("step"), minItems: 1), required: true, "The handler, in order."),
            .init("description", .string(.text), "Free text."),
        ] + deliveryProperties
    )

    public static let retry = ObjectSchema(
        "retry",
        "Retry policy; attempts include the first.",
        properties: [
            .init("max_attempts", .integer(min: 1, max: 1_000_000), default: "3", "Attempts, the first included."),
            .init(
                "backoff",
                .string(.enumeration(RetryPolicy.Backoff.allCases.map(\.rawValue))),
                default: "exponential",
                "How the delay grows between attempts."
            ),
            .init("initial", .string(.duration), default: "100ms", "The first delay."),
            .init("max", .string(.duration), default: "10s", "The largest delay."),
            .init("multiplier", .number(min: 1), default: "2", "Growth factor of exponential backoff."),
            .init(
                "jitter",
                .string(.enumeration(RetryPolicy.Jitter.allCases.map(\.rawValue))),
                default: "none",
                "Randomises delays: full draws from [0, d], equal from [d/2, d]."
            ),
        ]
    )

    public static let circuitBreaker = ObjectSchema(
        "circuit_breaker",
        "Opens after `failures` consecutive failed attempts, pausing the consumer for `open_for`.",
        properties: [
            .init("failures", .integer(min: 1, max: 1_000_000), required: true, "Consecutive failures that open it."),
            .init("open_for", .string(.duration), required: true, "How long it stays open before one probe."),
        ]
    )
}
