import Dispatch
import FlowCore
import Logging

extension ProducerRunner {
    /// The port an `http` producer listens on, once it listens; nil when it could not bind (or for another
    /// source). Returns as soon as that is known.
    public func listeningPort() async -> Int? {
        guard case .http = producer.source else { return nil }
        return await port.value()
    }

    /// Starts the ingest server; the producer stays running (in flight) until the server has stopped.
    func startServing(listen: String, path: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let address = Pipeline.Producer.listenAddress(listen) else {
            port.settle(nil)
            end(.failed("producer \"\(producer.name)\" cannot listen on \"\(listen)\": not host:port"))
            return
        }
        let publisher = IngestPublisher(
            broker: broker,
            topic: producer.to,
            keys: target.keys,
            scheduler: scheduler,
            queue: DispatchQueue(label: "flow.producer.\(producer.name).ingest"),
            onStored: { [self] in stored(published: 1, deadLettered: 0) },
            tracing: tracing
        )
        let port = port
        let logger = logger
        let server = IngestServer(
            host: address.host,
            port: address.port,
            path: path,
            publisher: publisher,
            logger: logger,
            onMalformed: { [self] input in scheduler.execute(on: queue) { self.refused(input) } },
            onAnswered: { [meters] code in meters?.answered(code) },
            onRunning: { bound in
                logger.info("http ingest listening", metadata: ["flow.listen": "\(address.host):\(bound)\(path)"])
                port.settle(bound)
            }
        )
        ingest = server
        inFlight += 1
        Task { [self] in
            let failure: String?
            do {
                try await server.run()
                failure = nil
            } catch {
                failure = "producer \"\(producer.name)\" cannot listen on \(listen): \(error)"
            }
            port.settle(nil)
            scheduler.execute(on: queue) { [self] in
                inFlight -= 1
                if let failure { end(.failed(failure)) }
                finishIfDone()
            }
        }
    }

    /// Reports a request answered 400 and, with a dead-letter topic, offers its envelope there. Offered, not
    /// published: the sender already has its answer, and a flood of bad requests against a full dead-letter
    /// topic must not pile up in memory, so an envelope that does not fit is logged at error instead.
    private func refused(_ input: MalformedInput) {
        report(input)
        guard let deadLetter = producer.deadLetter else { return }
        let envelope = input.envelope(id: ingestRandom.uuid(), producer: producer.name, time: scheduler.wallClock)
        inFlight += 1
        broker.offer([OutgoingRecord(event: envelope)], to: deadLetter, queue: queue) { [self] result in
            inFlight -= 1
            switch result {
            case .success(let stored) where stored == [true]:
                self.stored(published: 0, deadLettered: 1)
            case .success:
                logger.error(
                    "dead-letter topic is full; a malformed request was not kept",
                    metadata: ["flow.dead_letter_topic": "\(deadLetter)", "flow.error": "\(input.error)"]
                )
            case .failure(let error):
                end(.failed("producer \"\(producer.name)\" cannot publish to topic \"\(deadLetter)\": \(error)"))
            }
            finishIfDone()
        }
    }

    /// Stops the ingest server, if one runs; its task then ends the producer's last in-flight work.
    func stopServing() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let server = ingest else { return }
        ingest = nil
        Task { await server.stop() }
    }
}
