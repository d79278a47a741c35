import ArgumentParser
import FlowCore
import FlowRuntime
import Foundation

/// Scenario (g): the Redis Streams backend in one process, one-to-one and 4 partitions × concurrency 4,
/// beside the memory broker in the same run (the peers, Dramatiq and a raw XADD/XREADGROUP/XACK loop, are
/// measured by `Benchmarks/redis/run.sh` on the same server).
struct RedisCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redis",
        abstract: "One-to-one and 4 partitions × concurrency 4 on memory and on a Redis server.",
        discussion: "Each run uses a pipeline name of its own, so runs never see each other's keys; the keys stay "
            + "in the server's database afterwards (flush it, or run Benchmarks/redis/run.sh, which starts a "
            + "server of its own)."
    )

    @Option(help: "Events per scenario and backend.")
    var count = 200_000

    @Option(help: "The server, e.g. redis://127.0.0.1:6379/0.")
    var url = "redis://127.0.0.1:6379/0"

    @OptionGroup var publishing: PublishOptions

    func run() async throws {
        let redis = try BrokerURL.parse(url).get()
        guard case .redis = redis else { throw ValidationError("--url must be a redis:// URL, not \(url)") }
        for (title, partitions, batches) in BrokerBench.scenarios(count: count, batch: publishing.batch) {
            var rows: [Measurement] = []
            for backend in [BrokerURL.memory, redis] {
                var bench = BrokerBench(
                    partitions: partitions,
                    concurrency: partitions,
                    batchSize: publishing.batch,
                    maxInFlight: publishing.inFlight,
                    window: publishing.window
                )
                bench.backend = backend
                var measurement = try await bench.run(count: count) { batches[$0] }
                measurement.name = backend == .memory ? "memory" : "redis"
                rows.append(measurement)
            }
            let ratio = rows[0].rate > 0 ? rows[1].rate / rows[0].rate : 0
            ResultTable.print(
                "redis, \(title): \(count) events, batches of \(publishing.batch)",
                rows,
                notes: [String(format: "redis / memory (events/s) = %.2f", ratio)]
            )
        }
    }
}
