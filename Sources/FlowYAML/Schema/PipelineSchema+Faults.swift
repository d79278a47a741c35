import FlowCore

extension PipelineSchema {
    public static let fault = ObjectSchema(
        "fault",
        "A declared fault: with probability `rate`, a call of one consumer's step fails, waits or is answered "
            + "with an HTTP status. Injected by `flow run --faults` and by `flow test` (unless a test says "
            + "`faults: off`).",
        properties: [
            .init("consumer", .string(.identifier), required: true, "The consumer whose step the fault hits."),
            .init(
                "step",
                .string(.text),
                required: true,
                "The step: a kind the consumer has once (exec, http) or a number (2, 3.1.2 inside a route)."
            ),
            .init("error", .string(.text), "The call fails with this message (retryable unless `permanent`)."),
            .init("permanent", .boolean, default: "false", "With `error`: the failure is permanent."),
            .init("latency", .string(.duration), "The call waits this long first (counts toward the timeout)."),
            .init(
                "status",
                .integer(min: 100, max: 599),
                "The call is answered with this HTTP status without a request (an `http` step's rules apply)."
            ),
            .init("rate", .number(min: 0), default: "1", "The probability per call, above 0 and at most 1."),
            .init("when", .string(.expression(.consumer)), "Only for events for which this holds."),
        ],
        exclusive: ["error", "latency", "status"],
        oneRequired: true
    )
}
