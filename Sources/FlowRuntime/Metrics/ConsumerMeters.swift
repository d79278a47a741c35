import CoreMetrics

/// A consumer member's metrics, recorded beside its `ConsumerStats` at the same places, so a scrape at the
/// end of a run equals the summary.
///
/// Invariant: owned by the runner's queue like the counters it shadows (its lazily made counters are created
/// there); every handle is made once and reused, so recording costs no lookup in the factory. A class, so the
/// runner holds it in a `let`: with metrics off, each recording site is one nil check, with no exclusivity
/// check of a mutable property.
final class ConsumerMeters {
    private let factory: any MetricsFactory
    private let consumer: String
    private let outcomes: [ConsumerOutcome: Counter]
    private let processDuration: Timer
    private let inFlight: Gauge
    private let breakerState: Gauge
    private let deadLetterTopic: String?
    private var retries: [String: Counter] = [:]
    private var deadLettered: [String: Counter] = [:]
    private var sent: [String: Counter] = [:]
    private var transitions: [String: Counter] = [:]

    init(factory: any MetricsFactory, consumer: String, group: String, topic: String, deadLetter: String?) {
        self.factory = factory
        self.consumer = consumer
        deadLetterTopic = deadLetter
        var outcomes: [ConsumerOutcome: Counter] = [:]
        for outcome in ConsumerOutcome.allCases {
            outcomes[outcome] = Counter(
                label: MetricName.consumed,
                dimensions: [
                    (MetricDimension.destination, topic), (MetricDimension.group, group),
                    (MetricDimension.consumer, consumer), (MetricDimension.outcome, outcome.rawValue),
                ],
                factory: factory
            )
        }
        self.outcomes = outcomes
        processDuration = Timer(
            label: MetricName.processDuration,
            dimensions: [(MetricDimension.destination, topic), (MetricDimension.consumer, consumer)],
            factory: factory
        )
        inFlight = Gauge(
            label: MetricName.inFlight,
            dimensions: [(MetricDimension.consumer, consumer)],
            factory: factory
        )
        breakerState = Gauge(
            label: MetricName.breakerState,
            dimensions: [(MetricDimension.consumer, consumer)],
            factory: factory
        )
        inFlight.record(0)
        breakerState.record(0)
    }

    /// `count` records ended as `outcome`.
    func count(_ outcome: ConsumerOutcome, _ count: Int = 1) {
        outcomes[outcome]?.increment(by: Int64(count))
    }

    func recordAttempt(_ duration: Duration, running: Int) {
        processDuration.recordNanoseconds(duration.nanoseconds)
        inFlight.record(running)
    }

    func recordRunning(_ running: Int) {
        inFlight.record(running)
    }

    /// A retry was scheduled after a failure of class `errorType`.
    func countRetry(_ errorType: String) {
        counter(&retries, errorType, MetricName.retries, [(MetricDimension.errorType, errorType)]).increment()
    }

    /// An envelope is stored in the dead-letter topic.
    func countDeadLetter(_ errorType: String) {
        counter(
            &deadLettered,
            errorType,
            MetricName.deadLettered,
            [(MetricDimension.destination, deadLetterTopic ?? ""), (MetricDimension.errorType, errorType)]
        ).increment()
    }

    /// `count` records stored in `topic` by this consumer (emitted events and dead-letter envelopes).
    func countSent(_ count: Int, to topic: String) {
        counter(&sent, topic, MetricName.sent, [(MetricDimension.destination, topic)]).increment(by: Int64(count))
    }

    /// The breaker entered `state`.
    func recordBreaker(_ state: CircuitBreakerGaugeState) {
        breakerState.record(state.rawValue)
        counter(&transitions, state.name, MetricName.breakerTransitions, [(MetricDimension.state, state.name)])
            .increment()
    }

    private func counter(
        _ made: inout [String: Counter],
        _ key: String,
        _ label: String,
        _ dimensions: [(String, String)]
    ) -> Counter {
        if let counter = made[key] { return counter }
        let counter = Counter(
            label: label,
            dimensions: [(MetricDimension.consumer, consumer)] + dimensions,
            factory: factory
        )
        made[key] = counter
        return counter
    }
}

/// How a record ended for a consumer: the `flow.outcome` of `messaging.client.consumed.messages`, one per
/// end `ConsumerStats` counts.
enum ConsumerOutcome: String, CaseIterable {
    case processed, filtered, dropped
    case deadLettered = "dead_lettered"
    case exhausted
    case givenBack = "given_back"
}

/// The values of `flow.circuit_breaker.state`.
enum CircuitBreakerGaugeState: Int {
    case closed = 0
    case halfOpen = 1
    case open = 2

    var name: String {
        switch self {
        case .closed: "closed"
        case .halfOpen: "half_open"
        case .open: "open"
        }
    }
}

extension Duration {
    /// The whole nanoseconds of this duration (saturating far beyond any attempt's length).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow
            ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
