import Dispatch
import FlowCore
import Logging
import Tracing

extension ConsumerRunner {
    /// Takes the result of a running attempt: records its latency and hands the outcome to `conclude`.
    func settle(_ job: Job, _ result: HandlerResult) {
        guard job.state == .running else { return }
        running -= 1
        let now = scheduler.now
        latency.record(now - job.startedAt)
        meters?.recordAttempt(now - job.startedAt, running: running)
        switch result {
        case .success(let emitted): conclude(job, .success, emitted: emitted, now: now)
        case .filtered: conclude(job, .filtered, emitted: [], now: now)
        case .dropped: conclude(job, .dropped, emitted: [], now: now)
        case .failure(let message, let permanent, let retryAfter):
            conclude(
                job,
                .failure(message: message, permanent: permanent),
                emitted: [],
                now: now,
                retryAfter: retryAfter
            )
        }
    }

    /// Applies the delivery decision for an attempt that ended with `outcome` (the attempt no longer counts
    /// as running); `retryAfter` is the handler's least wait before a retry.
    func conclude(
        _ job: Job,
        _ outcome: DeliveryOutcome,
        emitted: [EmittedEvent],
        now: Duration,
        retryAfter: Duration? = nil
    ) {
        updateBreaker(after: outcome, probe: job.isProbe, now: now)
        job.isProbe = false
        let decision = decider.decide(
            outcome,
            attempt: job.attempt,
            breaker: breaker?.state,
            now: now,
            random: &random,
            retryAfter: retryAfter
        )
        if let message = outcome.errorMessage {
            job.firstFailure = job.firstFailure ?? scheduler.wallClock
            job.lastFailure = scheduler.wallClock
            job.lastError = message
            job.errorType = FailureClass.of(outcome)
        }
        switch decision {
        case .ack:
            switch outcome {
            case .filtered:
                count(.filtered)
                commit(job)
            case .dropped:
                count(.dropped)
                commit(job)
            default:
                job.disposition = .processed
                if emitted.isEmpty {
                    count(.processed)
                    commit(job)
                } else {
                    enqueue(
                        emitted.map { ($0.topic, OutgoingRecord(key: $0.key, event: traced($0, for: job))) },
                        for: job
                    )
                }
            }
        case .retry(let delay):
            retry(job, at: now + delay, now: now)
        case .pause(let until):
            retry(job, at: until, now: now)
        case .deadLetter(let reason):
            deadLetter(job, reason: reason)
        case .exhausted(let reason):
            exhaust(job, reason: reason, error: job.lastError ?? reason.rawValue)
        }
        // `tracing` first: with tracing off the job's span is never read.
        if tracing != nil, let span = job.span {
            if let message = outcome.errorMessage { span.setStatus(SpanStatus(code: .error, message: message)) }
            span.end()
            job.span = nil
        }
    }

    private func updateBreaker(after outcome: DeliveryOutcome, probe: Bool, now: Duration) {
        guard var current = breaker else { return }
        let result: CircuitBreaker.AttemptResult
        switch outcome {
        case .success, .filtered, .dropped: result = .success
        case .failure(_, permanent: true): result = .neutral
        case .failure, .timedOut: result = .failure
        }
        let transition = current.record(result, probe: probe, now: now)
        breaker = current
        guard let transition else { return }
        log(transition)
        switch transition {
        case .opened: meters?.recordBreaker(.open)
        case .halfOpened: meters?.recordBreaker(.halfOpen)
        case .closed: meters?.recordBreaker(.closed)
        }
    }

    /// Parks `job` until `deadline`; it then starts before new records (its key stays held meanwhile).
    private func retry(_ job: Job, at deadline: Duration, now: Duration) {
        let delay = deadline - now
        logger.warning(
            "event retry scheduled",
            metadata: metadata(
                for: job,
                [
                    "flow.next_delay_ms": "\(Int(delay / .milliseconds(1)))", "flow.error": "\(job.lastError ?? "")",
                ]
            )
        )
        job.span?.addEvent(
            SpanEvent(
                name: "retry",
                attributes: [
                    "flow.attempt": .int64(Int64(job.attempt)),
                    "flow.next_delay_ms": .int64(Int64(delay / .milliseconds(1))),
                    "error.type": .string(job.errorType ?? "handler"),
                ]
            )
        )
        let wall = scheduler.wallClock
        subscription?.retrying(
            job.record.position,
            RetryState(
                attempts: job.attempt,
                due: wall.addingTimeInterval(Double(delay / .milliseconds(1)) / 1000),
                firstFailure: job.firstFailure ?? wall,
                lastError: job.lastError ?? ""
            )
        )
        park(job, for: delay)
    }

    /// Puts a job whose key is free in line: at once, or, when the broker handed it back waiting for a retry
    /// (after a restart, or from a member that left), parked until that retry is due, its attempts kept. It
    /// holds its key and counts as active meanwhile.
    func admit(_ job: Job) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let retry = job.record.retry, !job.isActive else { return ready.append(job) }
        job.isActive = true
        active += 1
        let wait = retry.due.timeIntervalSince(scheduler.wallClock)
        logger.info(
            "event retry resumed",
            metadata: metadata(for: job, ["flow.next_delay_ms": "\(max(0, Int(wait * 1000)))"])
        )
        park(job, for: .milliseconds(max(0, Int64(wait * 1000))))
    }

    private func park(_ job: Job, for delay: Duration) {
        job.state = .retryWait
        scheduler.schedule(after: delay, on: queue) { [job] in job.runner.retryDue(job) }
    }

    private func retryDue(_ job: Job) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard job.state == .retryWait, !isStopped else { return }
        job.state = .waiting
        retryReady.append(job)
        pump()
    }

    /// Gives up on `job` without a dead-letter topic: logged at error, counted, committed.
    func exhaust(_ job: Job, reason: DeliveryDecision.GiveUpReason, error: String) {
        count(.exhausted)
        logger.error(
            "event exhausted",
            metadata: metadata(for: job, ["flow.reason": "\(reason.rawValue)", "flow.error": "\(error)"])
        )
        commit(job)
    }

    /// Acks `job` in this pass's batch (unless its publishes' commit acked it) and lets the next record of its
    /// key go.
    func commit(_ job: Job) {
        job.state = .done
        active -= 1
        if !job.ackedWithPublishes { pendingAcks.append(job.record.position) }
        guard let key = job.record.key, let lane = lanes.index(forKey: key) else { return }
        if let next = lanes.values[lane].popFirst() {
            admit(next)
        } else {
            lanes.remove(at: lane)
        }
    }

    /// The per-event log fields plus `extra`.
    func metadata(for job: Job, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        var fields = extra
        fields["flow.partition"] = "\(job.record.position.partition)"
        fields["flow.offset"] = "\(job.record.position.offset)"
        fields["flow.event_id"] = "\(job.record.event.id)"
        fields["flow.attempt"] = "\(job.attempt)"
        for (name, value) in job.traceFields { fields[name] = "\(value)" }
        return fields
    }
}
