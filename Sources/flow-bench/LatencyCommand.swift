import ArgumentParser
import Dispatch
import FlowCore
import FlowRuntime
import Foundation

/// Scenario (d): a steady 10,000 events/s for 5 s (10 events every 1 ms) and the produce-to-handle latency.
struct LatencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency",
        abstract: "Produce-to-handle latency at a steady rate (batches of 10 every 1 ms)."
    )

    @Option(help: "Events per second.")
    var rate = 10_000

    @Option(help: "Seconds to produce for.")
    var seconds = 5

    @Option(help: "Milliseconds between batches.")
    var tickMilliseconds = 1

    @Option(help: "The broker: memory:, or sqlite:PATH[?durability=process] (a new file; removed afterwards).")
    var broker = "memory:"

    func run() async throws {
        let perTick = max(1, rate * tickMilliseconds / 1000)
        let total = rate * seconds
        var flow = try await measureFlow(total: total, perTick: perTick)
        flow.peakRSS = ProcessMemory.peakResident
        ProcessMemory.resetPeak()
        var raw = await measureRaw(total: total, perTick: perTick)
        raw.peakRSS = ProcessMemory.peakResident
        ResultTable.print(
            "latency on \(broker): \(rate) events/s for \(seconds) s, \(perTick) events every \(tickMilliseconds) ms",
            [flow, raw],
            notes: [
                String(
                    format: "ratio = flow / raw (p99) = %.2f",
                    Double(flow.p99 ?? 0) / Double(max(1, raw.p99 ?? 1))
                ),
                "seconds = first publish to last handled (includes the \(seconds) s of pacing)",
            ]
        )
    }

    private func measureFlow(total: Int, perTick: Int) async throws -> Measurement {
        let scheduler = DispatchScheduler()
        let url = try BrokerURL.parse(self.broker).get()
        if case .sqlite(let path, _, _) = url {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let broker = try await BenchBroker.open(url, scheduler: scheduler)
        defer {
            if case .sqlite(let path, _, _)? = try? BrokerURL.parse(self.broker).get() {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        }
        try await broker.declare(TopicSpec(name: BrokerBench.topic))
        try await broker.declareGroup(BrokerBench.group, on: BrokerBench.topic)
        let recorder = LatencyRecorder(target: total)
        let runner = ConsumerRunner(
            configuration: ConsumerConfiguration(name: BrokerBench.group, topic: BrokerBench.topic),
            broker: broker,
            scheduler: scheduler,
            logger: BrokerBench.quietLogger,
            random: SeededRandom(seed: 1),
            handler: LatencyHandler(recorder: recorder)
        )
        try await runner.start()
        let source = PacedSource(total: total, perTick: perTick, tick: .milliseconds(tickMilliseconds)) {
            first,
            count in
            let stamp = LatencyRecorder.stamp
            let records = (first..<first + count).map { index in
                OutgoingRecord(
                    event: CloudEvent(id: "e\(index)", source: "flow-bench", type: "Tick", data: .int(Int(stamp)))
                )
            }
            broker.publish(records, to: BrokerBench.topic, queue: .global()) { result in
                if case .failure(let error) = result { fatalError("flow-bench: publish failed: \(error)") }
            }
        }
        let start = ContinuousClock.now
        source.start()
        await recorder.finished.wait()
        let elapsed = ContinuousClock.now - start
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            runner.drain(grace: .seconds(5)) { _ in continuation.resume() }
        }
        let (p50, p99, p999, maximum) = recorder.percentiles
        return Measurement(
            name: "flow",
            events: total,
            seconds: elapsed.seconds,
            p50: p50,
            p99: p99,
            p999: p999,
            max: maximum
        )
    }

    private func measureRaw(total: Int, perTick: Int) async -> Measurement {
        let recorder = LatencyRecorder(target: total)
        let consumer = DispatchQueue(label: "flow-bench.raw.consumer")
        let source = PacedSource(total: total, perTick: perTick, tick: .milliseconds(tickMilliseconds)) { _, count in
            for _ in 0..<count {
                let stamp = LatencyRecorder.stamp
                consumer.async { recorder.record(published: stamp) }
            }
        }
        let start = ContinuousClock.now
        source.start()
        await recorder.finished.wait()
        let elapsed = ContinuousClock.now - start
        let (p50, p99, p999, maximum) = recorder.percentiles
        return Measurement(
            name: "raw DispatchQueue.async",
            events: total,
            seconds: elapsed.seconds,
            p50: p50,
            p99: p99,
            p999: p999,
            max: maximum
        )
    }
}
