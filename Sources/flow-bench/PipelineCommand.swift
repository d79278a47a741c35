import ArgumentParser
import FlowRuntime
import FlowYAML
import Foundation

/// Scenario (c): a YAML pipeline through `PipelineRun`: generate → filter → set → emit → a second consumer.
struct PipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "generate → consumer (filter, set, emit) → consumer (drop: false), through PipelineRun."
    )

    @Option(help: "Events the generator produces.")
    var count = 500_000

    /// The pipeline, with `COUNT` replaced by the event count.
    static let yaml = """
        version: 1
        name: bench
        topics:
          input: {}
          output: {}
        producers:
          source:
            to: input
            generate:
              count: COUNT
              event:
                type: Tick
                data:
                  n: "${seq()}"
        consumers:
          enrich:
            from: input
            filter: data.n > 0
            steps:
              - set: { data.doubled: "${data.n * 2}" }
              - emit: { to: output, type: Enriched }
          sink:
            from: output
            steps:
              - drop: false
        """

    func run() async throws {
        let text = Self.yaml.replacingOccurrences(of: "COUNT", with: String(count))
        let loaded = PipelineLoader().load(text: text, file: "bench.yml")
        guard let pipeline = loaded.pipeline, loaded.diagnostics.isEmpty else {
            throw ValidationError("the bench pipeline does not load: \(loaded.diagnostics.map(\.message))")
        }
        let run = PipelineRun(pipeline: pipeline, options: RunOptions(seed: 1, logger: BrokerBench.quietLogger))
        let start = ContinuousClock.now
        try await run.start()
        while !(await run.isIdle()) {
            try await Task.sleep(for: .milliseconds(1))
        }
        let elapsed = ContinuousClock.now - start
        await run.shutdown()
        let summary = await run.summary()
        guard let sink = summary.consumers.first(where: { $0.name == "sink" }) else {
            throw ValidationError("the bench pipeline has no sink consumer")
        }
        let flow = Measurement(
            name: "flow (PipelineRun)",
            events: sink.stats.processed,
            seconds: elapsed.seconds,
            peakRSS: ProcessMemory.peakResident
        )
        let raw = await RawHandOff.measure(count: count) { $0 }
        let handler = summary.consumers.map { row in
            "\(row.name): processed \(row.stats.processed), filtered \(row.stats.filtered), handler p50 "
                + "\(ResultTable.micros(row.stats.p50.map(Self.nanos))), p99 \(ResultTable.micros(row.stats.p99.map(Self.nanos)))"
        }
        ResultTable.print(
            "pipeline: generate → filter → set → emit → consumer, \(count) events",
            [flow, raw],
            notes: [ResultTable.ratio(flow, raw)] + handler
        )
    }

    private static func nanos(_ duration: Duration) -> UInt64 {
        UInt64(max(0, duration.seconds * 1e9))
    }
}
