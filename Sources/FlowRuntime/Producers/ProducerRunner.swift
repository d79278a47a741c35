import CoreMetrics
import Dispatch
import FlowCore
import Foundation
import Logging
import Synchronization
import Tracing

/// Runs one pipeline producer: generates events, reads JSON lines or serves HTTP (docs/http.md), keys them by
/// `TopicKeys` and publishes them to the producer's topic; malformed input goes to its dead-letter topic or
/// is logged and counted (an `http` producer answers 400 instead).
///
/// Invariants (see docs/producers.md):
/// - every piece of mutable state except the counters is owned by the serial `queue` (checked with
///   `dispatchPrecondition`); reading and decoding lines happens on a separate read queue;
/// - at most `maxInFlight` publish batches are handed to the broker and not yet stored, so a slow topic
///   slows the producer down (backpressure) and memory stays bounded;
/// - a paced producer never publishes event `n` before `(n - 1) × rate.interval` after its start;
/// - the completion runs exactly once, on `queue`, after every record handed to the broker is stored;
/// - on a durable broker a `generate` or `file` producer stores each record (or envelope) together with the
///   checkpoint after its input (`ProducerStep`), and a producer given the checkpoint stored last resumes
///   right after it: across crashes and restarts every input is published once, and `count` holds in all.
///
/// `@unchecked Sendable`: all mutable state is confined to `queue`, except `counters`, which is a `Mutex`.
public final class ProducerRunner: @unchecked Sendable {
    /// Events per publish batch of a generator.
    static let batchSize = 256
    /// Publish batches handed to the broker and not yet stored, at most: 2 on a memory broker; 8 on a durable
    /// one, whose publish completes only once its transaction committed (about an fsync later), so that the
    /// writer's next transaction is full rather than waiting on this producer.
    let maxInFlight: Int

    /// Where the runner is in its life.
    enum Phase {
        case idle
        case running
        /// No more records are made; the outcome is reported once the in-flight batches are stored.
        case ending(ProducerOutcome)
        case finished
    }

    let producer: Pipeline.Producer
    let target: ProducerTarget
    let broker: any Broker
    let scheduler: any FlowScheduler
    let queue: DispatchQueue
    let readQueue: DispatchQueue
    let logger: Logger
    let seed: UInt64
    let input: FileHandle?
    let counters = Mutex(ProducerStats())
    /// The counters' metrics, nil when metrics are off.
    let meters: ProducerMeters?
    /// The run's tracer, nil when tracing is off: each stored event then gets a `send` span.
    let tracing: EventTracer?

    var phase = Phase.idle
    var completion: (@Sendable (ProducerOutcome) -> Void)?
    var inFlight = 0

    /// The `ProducerCheckpoint.source` this producer stores checkpoints under; nil: it keeps none.
    let checkpoints: String?
    /// Where a previous run stopped, when it stopped on this same source.
    let resumeAt: ProducerCheckpoint?

    var generator: EventGenerator?
    var pacer: RatePacer?
    /// Events a previous run generated (the resumed `seq`): pacing counts from it.
    var generatedBefore = 0
    var startedAt = Duration.zero
    var wakeUp: ScheduledWork?

    var lines: LineSource?
    var isReading = false

    /// The server of an `http` producer while it runs.
    var ingest: IngestServer?
    /// The port that server bound.
    let port = ListeningPort()
    /// Ids of the dead-letter envelopes of refused requests.
    var ingestRandom: SeededRandom

    /// A runner that does nothing until `start(completion:)`. `seed` is the run seed: the producer's own
    /// stream is `Seeds.derive(seed, producer.name)`. `input` replaces standard input for a `stdin:`
    /// producer (the runner never closes it). `resume` is the checkpoint `broker` stored last for this
    /// producer: used when the broker is durable and the checkpoint is of this producer's source. With
    /// `metrics` the runner records its counters there too; with `tracer` every event it stores gets a `send`
    /// span.
    public init(
        producer: Pipeline.Producer,
        topicKeys: TopicKeys,
        broker: any Broker,
        scheduler: any FlowScheduler,
        logger: Logger,
        seed: UInt64,
        input: FileHandle? = nil,
        resume: ProducerCheckpoint? = nil,
        metrics: (any MetricsFactory)? = nil,
        tracer: (any Tracer)? = nil
    ) {
        tracing = tracer.map(EventTracer.init(tracer:))
        self.producer = producer
        target = ProducerTarget(
            producer: producer.name,
            topic: producer.to,
            deadLetter: producer.deadLetter,
            keys: topicKeys
        )
        self.broker = broker
        self.scheduler = scheduler
        meters = metrics.map { factory in
            var ingest = false
            if case .http = producer.source { ingest = true }
            return ProducerMeters(
                factory: factory,
                producer: producer.name,
                topic: producer.to,
                deadLetter: producer.deadLetter,
                ingest: ingest
            )
        }
        self.seed = Seeds.derive(seed, producer.name)
        ingestRandom = SeededRandom(seed: self.seed)
        self.input = input
        queue = DispatchQueue(label: "flow.producer.\(producer.name)")
        readQueue = DispatchQueue(label: "flow.producer.\(producer.name).read")
        var logger = logger
        logger[metadataKey: "flow.producer"] = "\(producer.name)"
        logger[metadataKey: "flow.topic"] = "\(producer.to)"
        self.logger = logger
        checkpoints = broker.isDurable ? Self.checkpointSource(of: producer.source) : nil
        maxInFlight = broker.isDurable ? 8 : 2
        if let resume, resume.source != checkpoints {
            logger.warning(
                "the store's checkpoint is of another source; this producer starts from the beginning",
                metadata: ["flow.checkpoint_source": "\(resume.source)"]
            )
        }
        resumeAt = resume?.source == checkpoints ? resume : nil
    }

    /// What checkpoints of `source` are stored under: sources that can resume have one.
    static func checkpointSource(of source: Pipeline.Producer.Source) -> String? {
        switch source {
        case .generate: "generate"
        case .file(let path, _): "file:" + path
        case .stdin, .http: nil
        }
    }

    /// Starts producing; `completion` runs once, on the runner's queue: when a finite source has been
    /// published entirely, after `stop()`, or on a failure. Call it once.
    public func start(completion: @escaping @Sendable (ProducerOutcome) -> Void) {
        scheduler.execute(on: queue) {
            dispatchPrecondition(condition: .onQueue(self.queue))
            precondition(self.completion == nil, "ProducerRunner.start(completion:) called twice")
            self.completion = completion
            if case .idle = self.phase { self.begin() }
            self.finishIfDone()
        }
    }

    /// Stops producing: nothing new is generated or read; records already handed to the broker are still
    /// stored, then the completion reports `.stopped`. Idempotent; a no-op once the producer has ended.
    public func stop() {
        scheduler.execute(on: queue) {
            dispatchPrecondition(condition: .onQueue(self.queue))
            switch self.phase {
            case .idle, .running: self.end(.stopped)
            case .ending, .finished: break
            }
            self.finishIfDone()
        }
    }

    /// The counters now; readable from any thread.
    public var stats: ProducerStats {
        counters.withLock { $0 }
    }

    private func begin() {
        phase = .running
        if let resume = resumeAt {
            logger.info(
                "producer resumed",
                metadata: ["flow.produced_before": "\(resume.produced)", "flow.offset": "\(resume.offset)"]
            )
        } else {
            logger.info("producer started")
        }
        switch producer.source {
        case .generate(let generate):
            startGenerating(generate)
        case .file(let path, let type):
            startReading(.file(path), type: type, checkpoints: checkpoints, resume: resumeAt)
        case .stdin(let type):
            startReading(.handle(input ?? FileHandle.standardInput), type: type, checkpoints: nil, resume: nil)
        case .http(let listen, let path):
            startServing(listen: listen, path: path)
        }
    }

    /// Stops making records; `outcome` is reported once in-flight batches are stored. A failure replaces
    /// an earlier `.finished` or `.stopped`.
    func end(_ outcome: ProducerOutcome) {
        dispatchPrecondition(condition: .onQueue(queue))
        switch phase {
        case .idle, .running:
            phase = .ending(outcome)
        case .ending:
            if case .failed = outcome { phase = .ending(outcome) }
        case .finished:
            return
        }
        wakeUp?.cancel()
        wakeUp = nil
        stopServing()
        if case .failed(let message) = outcome {
            logger.error("producer failed", metadata: ["flow.error": "\(message)"])
        }
    }

    /// Reports the outcome once it is decided and nothing is in flight.
    func finishIfDone() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard case .ending(let outcome) = phase, inFlight == 0, let completion else { return }
        phase = .finished
        if let lines, case .file = producer.source {
            scheduler.execute(on: readQueue) { lines.close() }
        }
        let stats = self.stats
        let label =
            switch outcome {
            case .finished: "finished"
            case .stopped: "stopped"
            case .failed: "failed"
            }
        logger.info(
            "producer finished",
            metadata: [
                "flow.published": "\(stats.published)", "flow.malformed": "\(stats.malformed)",
                "flow.dead_lettered": "\(stats.deadLettered)", "flow.outcome": "\(label)",
            ]
        )
        completion(outcome)
    }

    /// Reports the batch's malformed inputs and hands its records and envelopes to the broker.
    func dispatch(_ batch: ProducerBatch) {
        dispatchPrecondition(condition: .onQueue(queue))
        for input in batch.malformed { report(input) }
        var batch = batch
        var recordSpans: [any Span] = []
        var deadLetterSpans: [any Span] = []
        if let tracing {
            for index in batch.records.indices {
                recordSpans.append(tracing.startSend(&batch.records[index].event, to: producer.to))
            }
            if let deadLetter = producer.deadLetter {
                for index in batch.deadLetters.indices {
                    deadLetterSpans.append(tracing.startSend(&batch.deadLetters[index].event, to: deadLetter))
                }
            }
        }
        if checkpoints != nil {
            let steps = batch.steps(to: producer.to, deadLetter: producer.deadLetter)
            return publish(steps, spans: recordSpans + deadLetterSpans)
        }
        if !batch.records.isEmpty {
            publish(batch.records, to: producer.to, published: batch.records.count, deadLettered: 0, spans: recordSpans)
        }
        if let deadLetter = producer.deadLetter, !batch.deadLetters.isEmpty {
            let count = batch.deadLetters.count
            publish(batch.deadLetters, to: deadLetter, published: 0, deadLettered: count, spans: deadLetterSpans)
        }
    }

    func report(_ input: MalformedInput) {
        var metadata: Logger.Metadata = ["flow.error": "\(input.error)"]
        if let deadLetter = producer.deadLetter {
            metadata["flow.dead_letter_topic"] = "\(deadLetter)"
        } else if case .request = input.origin {
            // Its sender was answered 400: nothing is lost, the run does not fail.
            meters?.malformed("rejected")
        } else {
            counters.withLock { $0.malformed += 1 }
            meters?.malformed("counted")
        }
        switch input.origin {
        case .line(let file, let line):
            metadata["flow.file"] = "\(file)"
            metadata["flow.line"] = "\(line)"
            logger.error("malformed input line", metadata: metadata)
        case .generated(let seq):
            metadata["flow.seq"] = "\(seq)"
            logger.error("malformed generated event", metadata: metadata)
        case .request(let path):
            metadata["flow.path"] = "\(path)"
            logger.warning("rejected malformed event", metadata: metadata)
        }
    }

    private func publish(
        _ records: [OutgoingRecord],
        to topic: String,
        published: Int,
        deadLettered: Int,
        spans: [any Span]
    ) {
        inFlight += 1
        broker.publish(records, to: topic, queue: queue) { result in
            dispatchPrecondition(condition: .onQueue(self.queue))
            self.inFlight -= 1
            Self.end(spans, result)
            switch result {
            case .success:
                self.stored(published: published, deadLettered: deadLettered)
            case .failure(let error):
                self.end(.failed("producer \"\(self.producer.name)\" cannot publish to topic \"\(topic)\": \(error)"))
            }
            self.resume()
        }
    }

    /// Hands `steps` to the broker as one in-flight batch, counting what each stored run of them published;
    /// `spans` (of their events) end once the last run is stored.
    private func publish(_ steps: [ProducerStep], spans: [any Span]) {
        guard !steps.isEmpty else { return }
        inFlight += 1
        let topic = producer.to
        broker.publish(steps, from: producer.name, queue: queue) { range, result in
            dispatchPrecondition(condition: .onQueue(self.queue))
            switch result {
            case .success:
                let stored = steps[range].lazy.flatMap(\.batches)
                let published = stored.filter { $0.topic == topic }.reduce(0) { $0 + $1.records.count }
                let deadLettered = stored.filter { $0.topic != topic }.reduce(0) { $0 + $1.records.count }
                self.stored(published: published, deadLettered: deadLettered)
            case .failure(let error):
                self.end(.failed("producer \"\(self.producer.name)\" cannot publish to topic \"\(topic)\": \(error)"))
            }
            guard range.upperBound == steps.count else { return }
            Self.end(spans, result)
            self.inFlight -= 1
            self.resume()
        }
    }

    /// Ends the `send` spans of a publish, failed with its error.
    private static func end(_ spans: [any Span], _ result: Result<Void, BrokerError>) {
        for span in spans {
            if case .failure(let error) = result { span.setStatus(SpanStatus(code: .error, message: "\(error)")) }
            span.end()
        }
    }

    /// Counts records stored: `published` in the producer's topic, `deadLettered` envelopes in its dead-letter
    /// topic.
    func stored(published: Int, deadLettered: Int) {
        counters.withLock {
            $0.published += published
            $0.deadLettered += deadLettered
        }
        meters?.stored(published: published, deadLettered: deadLettered)
    }

    /// Makes more records if the source may, then reports the outcome if it is decided.
    private func resume() {
        switch producer.source {
        case .generate: generate()
        case .file, .stdin: requestRead()
        case .http: break
        }
        finishIfDone()
    }
}
