import FlowCore

/// The text of `flow explain` for one consumer: its retry schedule as a table and what follows from it.
enum ConsumerExplanation {
    static func text(_ consumer: Pipeline.Consumer, in pipeline: Pipeline) -> String {
        let schedule = RetrySchedule(consumer)
        let policy = consumer.retry
        let format = DurationText.format
        var lines = [
            "consumer \(consumer.name): reads \(consumer.from) as group \(consumer.group), concurrency \(consumer.concurrency)"
        ]
        let backoff =
            policy.backoff == .constant
            ? "constant backoff of \(format(policy.initial))"
            : "\(policy.backoff.rawValue) backoff from \(format(policy.initial)) up to \(format(policy.max))"
        lines.append(
            "retry: \(policy.maxAttempts) attempt\(policy.maxAttempts == 1 ? "" : "s"), \(backoff), jitter "
                + "\(policy.jitter.rawValue); timeout " + (consumer.timeout.map(format) ?? "none")
        )
        lines.append("")
        lines += RunSummaryRenderer.table(
            ["attempt", "earliest start", "latest start", "timeout"],
            schedule.attempts.map { attempt in
                [
                    "\(attempt.number)", format(attempt.earliestStart),
                    attempt.latestStart.map(format) ?? "unbounded", consumer.timeout.map(format) ?? "none",
                ]
            }
        )
        lines.append("")
        lines.append("after the last attempt: " + afterLast(consumer))
        lines.append(
            "a permanent failure (a `fail` with permanent: true, a permanent exit code, an http 4xx but 408 and 429) "
                + "skips the remaining attempts: "
                + (consumer.deadLetter.map { "dead-lettered to \($0) at once" }
                    ?? "counted as failed at once")
        )
        if let worst = schedule.worstCase {
            lines.append(
                "a failing event is in the consumer's hands for up to \(format(worst)) (\(policy.maxAttempts) × "
                    + "\(format(consumer.timeout ?? .zero)) plus backoff up to \(format(schedule.maxBackoff))), at least "
                    + "\(format(schedule.minBackoff)) of waiting"
            )
        } else {
            lines.append("without a timeout an attempt can run for ever: give the consumer a timeout to bound it")
        }
        lines.append("held back meanwhile: " + heldBack(consumer, in: pipeline, worst: schedule.worstCase))
        if let breaker = consumer.circuitBreaker {
            lines.append(
                "circuit breaker: after \(breaker.failures) failed attempts in a row it opens for "
                    + "\(format(breaker.openFor)): no attempt starts and no attempt is used up; then one probe "
                    + "decides whether it closes"
            )
        } else {
            lines.append("circuit breaker: none; a failing dependency gets every attempt of every event")
        }
        return lines.joined(separator: "\n")
    }

    private static func afterLast(_ consumer: Pipeline.Consumer) -> String {
        guard let deadLetter = consumer.deadLetter else {
            return "counted as failed (no dead_letter): the event is committed and the run exits 1"
        }
        return "dead-lettered to \(deadLetter) with its history (flowattempts, flowerror, flowfirstfailure, …), "
            + "then committed"
    }

    private static func heldBack(_ consumer: Pipeline.Consumer, in pipeline: Pipeline, worst: Duration?) -> String {
        guard let key = pipeline.topic(named: consumer.from)?.key else {
            return "nothing: \(consumer.from) has no key, so the other events go on while it waits"
        }
        let span = worst.map { " for up to \(DurationText.format($0))" } ?? ""
        return "the later events with the same key (\(key.source)) of \(consumer.from)\(span); other keys go on"
    }
}
