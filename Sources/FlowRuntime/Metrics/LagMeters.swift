import CoreMetrics
import Synchronization

/// `flow.consumer.lag`: per topic, group and partition, the records the group has not committed, sampled
/// from the broker's `TopicStats` (so on a shared broker it is the lag of every process together).
///
/// Invariant: one gauge per (topic, group, partition), made on first sight and kept; after `stop` no sample
/// starts, and the last sample is taken after the consumers drained, so a final scrape shows the lag the run
/// ended with.
final class LagMeters: Sendable {
    private struct State {
        var gauges: [String: Gauge] = [:]
        var stopped = false
    }

    private let factory: any MetricsFactory
    private let state = Mutex(State())

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    var isStopped: Bool { state.withLock { $0.stopped } }

    /// Sets every gauge from the broker's counters now (a topic the broker cannot read keeps its last value).
    func sample(_ run: PipelineRun) async {
        for topic in run.pipeline.topics {
            guard let stats = try? await run.broker.stats(of: topic.name) else { continue }
            for (group, committed) in stats.committed {
                for (partition, offset) in committed.enumerated() where partition < stats.endOffsets.count {
                    gauge(topic.name, group, partition).record(stats.endOffsets[partition] - offset)
                }
            }
        }
    }

    /// Ends the sampling with one last sample.
    func stop(sampling run: PipelineRun) async {
        state.withLock { $0.stopped = true }
        await sample(run)
    }

    private func gauge(_ topic: String, _ group: String, _ partition: Int) -> Gauge {
        let key = "\(topic)\u{0}\(group)\u{0}\(partition)"
        return state.withLock { state in
            if let gauge = state.gauges[key] { return gauge }
            let gauge = Gauge(
                label: MetricName.lag,
                dimensions: [
                    (MetricDimension.destination, topic), (MetricDimension.group, group),
                    (MetricDimension.partition, String(partition)),
                ],
                factory: factory
            )
            state.gauges[key] = gauge
            return gauge
        }
    }
}

extension PipelineRun {
    /// Samples the lag every `lagSampleInterval` on the scheduler until the shutdown's last sample.
    func startSampling(_ meters: LagMeters) {
        Task {
            while !meters.isStopped {
                await meters.sample(self)
                await sleep(options.lagSampleInterval)
            }
        }
    }
}
