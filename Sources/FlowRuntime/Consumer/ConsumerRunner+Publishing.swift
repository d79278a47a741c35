import Dispatch
import FlowCore
import Logging

extension ConsumerRunner {
    /// Adds `job`'s records to this pass's publish batches; the job commits once all are stored.
    func enqueue(_ records: [(topic: String, record: OutgoingRecord)], for job: Job) {
        job.state = .publishing
        for (topic, record) in records {
            let index: Int
            if let existing = outbox.firstIndex(where: { $0.topic == topic }) {
                index = existing
            } else {
                outbox.append(Outgoing(topic: topic, records: [], jobs: []))
                index = outbox.count - 1
            }
            outbox[index].records.append(record)
            if outbox[index].jobs.last !== job {
                outbox[index].jobs.append(job)
                job.pendingPublishes += 1
            }
        }
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
        enqueue([(topic, OutgoingRecord(key: job.record.key, event: envelope.wrap(job.record.event)))], for: job)
    }

    /// Sends this pass's publish batches, one per topic.
    func flushOutbox() {
        guard !outbox.isEmpty else { return }
        for batch in outbox {
            let jobs = batch.jobs
            let topic = batch.topic
            let pastCapacity = configuration.pastCapacity.contains(topic)
            broker.publish(batch.records, to: topic, pastCapacity: pastCapacity, queue: queue) { result in
                self.published(jobs, to: topic, result)
            }
        }
        outbox.removeAll(keepingCapacity: true)
    }

    /// Sends this pass's acks in one batch (kept until the subscription exists).
    func flushAcks() {
        guard !pendingAcks.isEmpty, let subscription else { return }
        subscription.ack(pendingAcks)
        pendingAcks = []
    }

    private func published(_ jobs: [Job], to topic: String, _ result: Result<Void, BrokerError>) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !isStopped else { return }
        for job in jobs {
            job.pendingPublishes -= 1
            if case .failure(let error) = result {
                job.publishError = "publish to \"\(topic)\" failed: \(error)"
            }
            if job.pendingPublishes == 0 { publishesStored(job) }
        }
        pump()
    }

    /// All of `job`'s publishes are done: commit it, or handle the failed publish.
    private func publishesStored(_ job: Job) {
        switch (job.disposition, job.publishError) {
        case (.processed, nil):
            counters.processed += 1
            commit(job)
        case (.processed, let error?):
            job.publishError = nil
            job.state = .running
            conclude(job, .failure(message: error, permanent: false), emitted: [], now: scheduler.now)
        case (.deadLettered(let reason), nil):
            counters.deadLettered += 1
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
