import FlowCore

extension PipelineRun {
    /// The counters of every topic, producer and consumer now.
    public func summary() async -> RunSummary {
        var topics: [RunSummary.TopicRow] = []
        for topic in pipeline.topics {
            let stats = try? await broker.stats(of: topic.name)
            let unhandled = stats.map { stats in stats.committed.keys.compactMap { stats.lag(of: $0) }.max() ?? 0 } ?? 0
            topics.append(
                RunSummary.TopicRow(
                    name: topic.name,
                    published: (stats?.published ?? 0) - (publishedBefore[topic.name] ?? 0),
                    retained: stats?.retained ?? 0,
                    unhandled: unhandled,
                    kept: broker.isDurable
                )
            )
        }
        let (outcomes, unfinished, stoppedAt) = await onQueue { (self.outcomes, self.unfinished, self.stoppedAt) }
        let producerRows = producers.map { spec, runner in
            let stats = runner.stats
            var failure: String?
            if case .failed(let message)? = outcomes[spec.name] { failure = message }
            return RunSummary.ProducerRow(
                name: spec.name,
                topic: spec.to,
                published: stats.published,
                malformed: stats.malformed,
                deadLettered: stats.deadLettered,
                failure: failure
            )
        }
        let consumerRows = consumers.map { spec, runner, handler in
            RunSummary.ConsumerRow(
                name: spec.name,
                group: spec.group,
                topic: spec.from,
                stats: runner.stats,
                faults: handler.faultInjector?.injected ?? [:]
            )
        }
        let ownership = await (broker as? any SharedProgress)?.ownership() ?? []
        return RunSummary(
            pipeline: pipeline.name,
            seed: options.seed,
            elapsed: (stoppedAt ?? options.scheduler.now) - startedAt,
            topics: topics,
            producers: producerRows,
            consumers: consumerRows,
            unfinished: unfinished,
            ownership: ownership
        )
    }
}
