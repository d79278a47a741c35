import Dispatch
import FlowCore

extension ProducerRunner {
    func startGenerating(_ generate: Pipeline.Producer.Generate) {
        dispatchPrecondition(condition: .onQueue(queue))
        generatedBefore = Int(resumeAt?.produced ?? 0)
        generator = EventGenerator(
            template: generate.event,
            producer: producer.name,
            seed: resumeAt?.random ?? seed,
            after: generatedBefore
        )
        pacer = generate.rate.map(RatePacer.init)
        startedAt = scheduler.now
        self.generate()
    }

    /// Publishes every event due now, in batches, while fewer than `maxInFlight` batches are in flight; ends
    /// after the last event of a `count`, and otherwise sleeps until the next event is due.
    func generate() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard case .running = phase, var generator else { return }
        guard case .generate(let settings) = producer.source else { return }
        let total = settings.count ?? Int.max
        let elapsed = scheduler.now - startedAt
        let due = min(total, pacer.map { generatedBefore + $0.dueCount(after: elapsed) } ?? Int.max)
        while inFlight < maxInFlight, generator.seq < due {
            let batch = makeBatch(of: min(Self.batchSize, due - generator.seq), with: &generator)
            dispatch(batch)
        }
        self.generator = generator
        if generator.seq >= total {
            end(.finished)
        } else if let pacer, generator.seq >= due, wakeUp == nil {
            wakeUp = scheduler.schedule(
                after: pacer.wakeUp(for: generator.seq + 1 - generatedBefore, after: elapsed),
                on: queue
            ) {
                self.wakeUp = nil
                self.generate()
                self.finishIfDone()
            }
        }
    }

    private func makeBatch(of size: Int, with generator: inout EventGenerator) -> ProducerBatch {
        var batch = ProducerBatch()
        batch.records.reserveCapacity(size)
        let now = scheduler.wallClock
        for _ in 0..<size {
            do {
                let event = try generator.next(at: now)
                batch.append(
                    event,
                    from: .generated(seq: generator.seq),
                    raw: String(decoding: event.jsonBytes, as: UTF8.self),
                    target: target,
                    random: &generator.random,
                    now: now
                )
            } catch {
                let input = MalformedInput(
                    origin: .generated(seq: generator.seq),
                    raw: "",
                    error: "event template failed: \(error.message)"
                )
                batch.append(input, target: target, random: &generator.random, now: now)
            }
            if let checkpoints {
                batch.mark(
                    ProducerCheckpoint(
                        source: checkpoints,
                        produced: Int64(generator.seq),
                        random: generator.random.position
                    )
                )
            }
        }
        return batch
    }
}
