extension ConsumerRunner {
    /// Counts `count` records that ended as `outcome`, in the stats and (when metrics are on) the metrics.
    func count(_ outcome: ConsumerOutcome, _ count: Int = 1) {
        switch outcome {
        case .processed: counters.processed += count
        case .filtered: counters.filtered += count
        case .dropped: counters.dropped += count
        case .deadLettered: counters.deadLettered += count
        case .exhausted: counters.exhausted += count
        case .givenBack: counters.givenBack += count
        }
        meters?.count(outcome, count)
    }

    /// The low-cardinality class of a failed attempt, for `error.type`: `timeout`, `permanent`, `publish` (the
    /// emitted events could not be stored) or `handler` (any other failure of the steps).
    static func errorType(of outcome: DeliveryOutcome) -> String {
        switch outcome {
        case .timedOut: return "timeout"
        case .failure(_, permanent: true): return "permanent"
        case .failure(let message, _):
            if message.hasPrefix("publish to ") { return "publish" }
            return message.hasPrefix("attempt timed out") ? "timeout" : "handler"
        case .success, .filtered, .dropped: return "none"
        }
    }
}
