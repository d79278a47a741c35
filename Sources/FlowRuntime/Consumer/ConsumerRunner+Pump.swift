import Dispatch
import Logging

extension ConsumerRunner {
    /// Starts what may start and settles what completed, until neither makes progress; then sends the
    /// pass's publishes and acks in one batch each. Re-entrant calls (a handler completing synchronously)
    /// only queue their result for the running pass.
    func pump() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !pumping, !isStopped else { return }
        pumping = true
        var progressed = true
        while progressed {
            progressed = false
            // Nothing starts before the subscription exists: a failed attempt's retry state needs it.
            while subscription != nil, running < configuration.concurrency, let job = nextJob() {
                begin(job)
                progressed = true
            }
            while let (job, result) = completed.popFirst() {
                settle(job, result)
                progressed = true
            }
        }
        flushOutbox()
        flushAcks()
        pumping = false
        finishDrainIfIdle()
    }

    /// The next job allowed to start: due retries first, then new records (none while draining); nil when
    /// nothing waits or the circuit breaker denies.
    private func nextJob() -> Job? {
        giveBackUnheld(&retryReady)
        giveBackUnheld(&ready)
        let fromRetries = !retryReady.isEmpty
        guard fromRetries || (!ready.isEmpty && !isDraining) else { return nil }
        var isProbe = false
        if var current = breaker {
            let (permit, transition) = current.acquire(now: scheduler.now)
            breaker = current
            if let transition { log(transition) }
            switch permit {
            case .granted:
                break
            case .probe:
                isProbe = true
            case .denied(let until):
                if let until { wakeBreaker(at: until) }
                return nil
            }
        }
        let job = fromRetries ? retryReady.popFirst()! : ready.popFirst()!
        job.isProbe = isProbe
        return job
    }

    /// Gives back the jobs at the head of `line` whose partition the member may no longer hold (a lease that
    /// lapsed while the process was paused or cut off, a partition handed to another member), with every
    /// later record of their keys (same partition): none of them starts here; the partition's owner gets them.
    private func giveBackUnheld(_ line: inout RingBuffer<Job>) {
        guard let subscription else { return }
        var positions: [RecordPosition] = []
        while let job = line.first, !subscription.holds(job.record.position) {
            _ = line.popFirst()
            job.state = .done
            if job.isActive {
                job.isActive = false
                active -= 1
            }
            positions.append(job.record.position)
            if let key = job.record.key, var lane = lanes.removeValue(forKey: key) {
                while let later = lane.popFirst() { positions.append(later.record.position) }
            }
        }
        guard !positions.isEmpty else { return }
        count(.givenBack, positions.count)
        logger.debug(
            "records given back: their partition is no longer this member's",
            metadata: ["flow.records": "\(positions.count)"]
        )
        subscription.release(positions)
    }

    /// Starts one attempt of `job`, or gives it up when the broker handed it back with its attempt budget
    /// already used up (its stored attempts reach a `max_attempts` lowered since they were made) or with as
    /// many abandoned attempts as its backend allows.
    private func begin(_ job: Job) {
        if !job.isActive {
            job.isActive = true
            active += 1
        }
        if let abandoned = job.record.abandoned, abandoned.isExceeded, job.attempt == job.deliveredAttempts {
            job.lastError =
                "\(abandoned.count) attempts began and never finished (each process handling it ended or lost its"
                + " partition mid-attempt); the backend's abandon_limit is \(abandoned.limit)"
            job.errorType = "abandoned"
            return deadLetter(job, reason: .attemptsAbandoned)
        }
        guard job.attempt < configuration.retry.maxAttempts else {
            job.lastError = job.lastError ?? "no attempt left after \(job.attempt)"
            return deadLetter(job, reason: .attemptsExhausted)
        }
        job.attempt += 1
        if job.attempt > 1 {
            counters.retried += 1
            meters?.countRetry(job.errorType ?? "handler")
        }
        job.state = .running
        running += 1
        meters?.recordRunning(running)
        guard job.record.abandoned != nil, let subscription else { return launch(job) }
        // Handed out again: the attempt starts once it is marked begun, so a process it ends still counts it.
        // Its clock (timeout, latency, span) starts only then: waiting for the mark costs no attempt.
        let attempt = job.attempt
        subscription.beginning(job.record.position, queue: queue) { [job] in
            guard job.state == .running, job.attempt == attempt, !self.isStopped else { return }
            self.launch(job)
        }
    }

    /// Hands the running attempt of `job` to the handler, with its timeout and its `process` span.
    private func launch(_ job: Job) {
        job.startedAt = scheduler.now
        if let timeout = configuration.timeout {
            job.deadline = job.startedAt + timeout
            timeouts.append((job, job.attempt))
            armTimeoutTimer()
        }
        let record = job.record
        var input = HandlerInput(
            event: record.event,
            attempt: job.attempt,
            key: record.key,
            topic: configuration.topic,
            position: record.position
        )
        if let tracing {
            let span = tracing.startProcess(input, group: configuration.group, consumer: configuration.name)
            job.span = span
            job.traceFields = tracing.logFields(of: span.context)
            input.trace = span.context
        }
        logger.debug("event delivered", metadata: metadata(for: job))
        handler.handle(input) { [job] result in job.complete(result) }
    }

    /// Schedules one pump at `until`, when the open breaker will let a probe through.
    private func wakeBreaker(at until: Duration) {
        guard breakerWake == nil else { return }
        breakerWake = scheduler.schedule(after: until - scheduler.now, on: queue) {
            self.breakerWake = nil
            self.pump()
        }
    }

    func log(_ transition: CircuitBreaker.Transition) {
        switch transition {
        case .opened(let until):
            let openFor = until - scheduler.now
            logger.info(
                "circuit breaker opened",
                metadata: ["flow.open_for_ms": "\(Int(openFor / .milliseconds(1)))"]
            )
        case .halfOpened:
            logger.info("circuit breaker half-open")
        case .closed:
            logger.info("circuit breaker closed")
        }
    }
}
