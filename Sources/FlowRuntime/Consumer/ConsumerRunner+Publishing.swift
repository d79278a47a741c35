import Dispatch
import FlowCore
import Logging
import Tracing

extension ConsumerRunner {
    /// Adds `job`'s records to this pass's commit as one step (grouped per topic); the job commits, acked in
    /// the same step, once they are stored.
    func enqueue(_ records: [(topic: String, record: OutgoingRecord)], for job: Job) {
        job.state = .publishing
        var batches: [PublishBatch] = []
        for (topic, record) in records {
            if let index = batches.firstIndex(where: { $0.topic == topic }) {
                batches[index].records.append(record)
            } else {
                let pastCapacity = configuration.pastCapacity.contains(topic)
                batches.append(PublishBatch(topic: topic, records: [record], pastCapacity: pastCapacity))
            }
        }
        outbox.append(job)
        outboxSteps.append(CommitStep(batches: batches, ack: job.record.position))
    }

    /// `emitted`'s event, with a `send` span (a child of the job's attempt) when tracing.
    func traced(_ emitted: EmittedEvent, for job: Job) -> CloudEvent {
        guard let tracing else { return emitted.event }
        var event = emitted.event
        job.sends.append(tracing.startSend(&event, to: emitted.topic, parent: job.span?.context))
        return event
    }

    /// Ends the `send` spans of `job`'s publishes, failed with its publish error.
    private func endSends(of job: Job) {
        for span in job.sends {
            if let error = job.publishError { span.setStatus(SpanStatus(code: .error, message: error)) }
            span.end()
        }
        job.sends = []
    }

    /// Publishes the dead-letter envelope of `job`; it commits once the envelope is stored.
    func deadLetter(_ job: Job, reason: DeliveryDecision.GiveUpReason) {
        guard let topic = configuration.deadLetter else {
            exhaust(job, reason: reason, error: job.lastError ?? reason.rawValue)
            return
        }
        let envelope = DeadLetterEnvelope(
            sourceTopic: configuration.topic,
            partition: job.record.position.partition,
            offset: job.record.position.offset,
            consumer: configuration.name,
            group: configuration.group,
            attempts: job.attempt,
            firstFailure: job.firstFailure ?? scheduler.wallClock,
            lastFailure: job.lastFailure ?? scheduler.wallClock,
            error: job.lastError ?? reason.rawValue
        )
        job.disposition = .deadLettered(reason)
        var wrapped = envelope.wrap(job.record.event)
        if let tracing {
            // The envelope stays in the event's trace: a child of the last attempt (or of the event's own send).
            job.sends.append(tracing.startSend(&wrapped, to: topic, parent: job.span?.context))
        }
        enqueue([(topic, OutgoingRecord(key: job.record.key, event: wrapped))], for: job)
    }

    /// Sends this pass's steps in one commit, so a durable broker stores a record's emitted events (or its
    /// dead-letter envelope) in the transaction that acks it. Kept until the subscription exists.
    func flushOutbox() {
        guard !outbox.isEmpty, let subscription else { return }
        let (jobs, steps) = (outbox, outboxSteps)
        subscription.commit(steps, queue: queue) { done, result in
            self.committed(jobs[done], steps[done], result)
        }
        outbox.removeAll(keepingCapacity: true)
        outboxSteps.removeAll(keepingCapacity: true)
    }

    /// Sends this pass's acks in one batch (kept until the subscription exists).
    func flushAcks() {
        guard !pendingAcks.isEmpty, let subscription else { return }
        subscription.ack(pendingAcks)
        pendingAcks = []
    }

    private func committed(
        _ jobs: ArraySlice<Job>,
        _ steps: ArraySlice<CommitStep>,
        _ result: Result<Void, BrokerError>
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !isStopped else { return }
        for (job, step) in zip(jobs, steps) {
            switch result {
            case .success:
                job.ackedWithPublishes = true
                if let meters { for batch in step.batches { meters.countSent(batch.records.count, to: batch.topic) } }
            case .failure(let error):
                let topics = step.batches.map { "\"\($0.topic)\"" }.joined(separator: ", ")
                job.publishError = "publish to \(topics) failed: \(error)"
            }
            if tracing != nil { endSends(of: job) }
            publishesStored(job)
        }
        pump()
    }

    /// All of `job`'s publishes are done: commit it, or handle the failed publish.
    private func publishesStored(_ job: Job) {
        switch (job.disposition, job.publishError) {
        case (.processed, nil):
            count(.processed)
            commit(job)
        case (.processed, let error?):
            job.publishError = nil
            job.state = .running
            conclude(job, .failure(message: error, permanent: false), emitted: [], now: scheduler.now)
        case (.deadLettered(let reason), nil):
            count(.deadLettered)
            meters?.countDeadLetter(job.errorType ?? reason.rawValue)
            logger.error(
                "event dead-lettered",
                metadata: metadata(
                    for: job,
                    [
                        "flow.reason": "\(reason.rawValue)", "flow.error": "\(job.lastError ?? "")",
                        "flow.dead_letter_topic": "\(configuration.deadLetter ?? "")",
                    ]
                )
            )
            commit(job)
        case (.deadLettered(let reason), let error?):
            exhaust(job, reason: reason, error: "\(job.lastError ?? reason.rawValue); \(error)")
        }
    }
}
