import CoreMetrics

/// A producer's metrics, recorded beside its `ProducerStats` at the same places, so a scrape at the end of a
/// run equals the summary.
///
/// Invariant: immutable; every handle is made up front (the ingest answers too: the server answers only the
/// codes in `IngestServer`'s contract), so recording from any thread needs no lock of flow's.
struct ProducerMeters: Sendable {
    private let published: Counter
    private let deadLetteredSent: Counter?
    private let malformed: [String: Counter]
    private let responses: [Int: Counter]

    /// The codes an ingest server answers.
    static let ingestCodes = [202, 400, 404, 405, 413, 500, 503]

    init(factory: any MetricsFactory, producer: String, topic: String, deadLetter: String?, ingest: Bool) {
        let who = (MetricDimension.producer, producer)
        published = Counter(
            label: MetricName.sent,
            dimensions: [(MetricDimension.destination, topic), who],
            factory: factory
        )
        deadLetteredSent = deadLetter.map { topic in
            Counter(label: MetricName.sent, dimensions: [(MetricDimension.destination, topic), who], factory: factory)
        }
        var malformed: [String: Counter] = [:]
        for outcome in ["dead_lettered", "counted", "rejected"] {
            malformed[outcome] = Counter(
                label: MetricName.malformed,
                dimensions: [who, (MetricDimension.outcome, outcome)],
                factory: factory
            )
        }
        self.malformed = malformed
        var responses: [Int: Counter] = [:]
        if ingest {
            for code in Self.ingestCodes {
                responses[code] = Counter(
                    label: MetricName.ingestResponses,
                    dimensions: [who, (MetricDimension.statusCode, String(code))],
                    factory: factory
                )
            }
        }
        self.responses = responses
    }

    /// Records stored: `published` in the producer's topic, `deadLettered` envelopes in its dead-letter topic.
    func stored(published: Int, deadLettered: Int) {
        if published > 0 { self.published.increment(by: Int64(published)) }
        if deadLettered > 0 {
            deadLetteredSent?.increment(by: Int64(deadLettered))
            malformed["dead_lettered"]?.increment(by: Int64(deadLettered))
        }
    }

    /// Malformed input counted without a dead-letter topic (`counted`: the run fails) or answered 400 to its
    /// sender (`rejected`).
    func malformed(_ outcome: String) {
        malformed[outcome]?.increment()
    }

    /// The ingest server answered `code`.
    func answered(_ code: Int) {
        responses[code]?.increment()
    }
}
