import Dispatch
import FlowCore

extension ProducerRunner {
    func startReading(_ input: LineSource.Input, type: String?, checkpoints: String?, resume: ProducerCheckpoint?) {
        dispatchPrecondition(condition: .onQueue(queue))
        lines = LineSource(
            input: input,
            type: type,
            target: target,
            scheduler: scheduler,
            seed: seed,
            checkpoints: checkpoints,
            resume: resume
        )
        requestRead()
    }

    /// Reads the next lines on the read queue, unless a read is under way or `maxInFlight` batches are
    /// in flight (then the publish completion asks again).
    func requestRead() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard case .running = phase, !isReading, inFlight < maxInFlight, let lines else { return }
        isReading = true
        scheduler.execute(on: readQueue) {
            let result = lines.next()
            self.scheduler.execute(on: self.queue) { self.received(result) }
        }
    }

    /// Takes one read's batch; dropped once the producer is stopping.
    private func received(_ result: Result<ProducerBatch, ProducerFailure>) {
        dispatchPrecondition(condition: .onQueue(queue))
        isReading = false
        if case .running = phase {
            switch result {
            case .success(let batch):
                dispatch(batch)
                if batch.isLast { end(.finished) } else { requestRead() }
            case .failure(let failure):
                end(.failed(failure.message))
            }
        }
        finishIfDone()
    }
}
