import FlowCore

/// Delivery analysis from each consumer's `RetrySchedule`: how long one failing event can take, measured
/// against what waits on it (its key), the shutdown grace and the Redis lease.
extension SemanticChecker {
    /// The longest a failing event may hold back its key before `key-hold-back` warns.
    static let keyHoldBackThreshold: Duration = .seconds(60)

    func retrySchedules() -> [Diagnostic] {
        pipeline.consumers.flatMap { consumer -> [Diagnostic] in
            let schedule = RetrySchedule(consumer)
            return [
                keyHoldBack(consumer, schedule), outlastsGrace(consumer, schedule), outlastsLease(consumer, schedule),
            ]
            .compactMap { $0 }
        }
    }

    /// `4 attempts of timeout 30s plus backoff 12s`.
    private static func breakdown(_ schedule: RetrySchedule) -> String {
        let attempts = schedule.policy.maxAttempts
        let timeout = schedule.timeout.map(DurationText.format) ?? "none"
        return "\(attempts) attempt\(attempts == 1 ? "" : "s") of timeout \(timeout) plus backoff "
            + DurationText.format(schedule.maxBackoff)
    }

    private func keyHoldBack(_ consumer: Pipeline.Consumer, _ schedule: RetrySchedule) -> Diagnostic? {
        guard consumer.retry.maxAttempts > 1, pipeline.topic(named: consumer.from)?.key != nil,
            let worst = schedule.worstCase, worst > Self.keyHoldBackThreshold
        else { return nil }
        let threshold = DurationText.format(Self.keyHoldBackThreshold)
        return .warning(
            .keyHoldBack,
            "a failing event holds back its key on topic \"\(consumer.from)\" in consumer \"\(consumer.name)\" "
                + "for up to \(DurationText.format(worst)) (\(Self.breakdown(schedule))), over \(threshold): "
                + "later events of that key wait behind it",
            at: location(of: "retry", in: consumer),
            length: "retry".count,
            hint: "fewer attempts, a shorter timeout or a lower backoff max keep it under \(threshold); "
                + "a dead letter releases the key sooner"
        )
    }

    /// Quiet on a durable broker: an event given up at shutdown stays stored, with its attempts, for the next run.
    private func outlastsGrace(_ consumer: Pipeline.Consumer, _ schedule: RetrySchedule) -> Diagnostic? {
        guard !pipeline.broker.isDurable, let worst = schedule.worstCase, worst > ShutdownGrace.default else {
            return nil
        }
        let grace = DurationText.format(ShutdownGrace.default)
        return .warning(
            .retryOutlastsGrace,
            "consumer \"\(consumer.name)\" can spend up to \(DurationText.format(worst)) on one event "
                + "(\(Self.breakdown(schedule))), longer than the default shutdown grace of \(grace): an event "
                + "still retrying when the run stops is given up, and the memory broker loses it",
            at: location(of: consumer.retry.maxAttempts > 1 ? "retry" : "timeout", in: consumer),
            length: consumer.retry.maxAttempts > 1 ? "retry".count : "timeout".count,
            hint: "fewer attempts or a shorter timeout fit it in \(grace); else run with --grace "
                + "\(DurationText.format(worst)) or more"
        )
    }

    private func outlastsLease(_ consumer: Pipeline.Consumer, _ schedule: RetrySchedule) -> Diagnostic? {
        guard case .redis(let address) = pipeline.broker, let worst = schedule.worstCase, worst > address.lease
        else { return nil }
        return .warning(
            .retryOutlastsLease,
            "consumer \"\(consumer.name)\" can spend up to \(DurationText.format(worst)) on one event "
                + "(\(Self.breakdown(schedule))), longer than the Redis lease of \(DurationText.format(address.lease)): "
                + "when its partition moves to another process, the new owner handles the event again beside this one",
            at: location(of: consumer.retry.maxAttempts > 1 ? "retry" : "timeout", in: consumer),
            length: consumer.retry.maxAttempts > 1 ? "retry".count : "timeout".count,
            hint: "raise the lease in the broker URL (?lease=\(DurationText.format(worst)) or more), or retry less"
        )
    }
}
