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
}
