import ArgumentParser
import FlowCore
import FlowRuntime
import Foundation

/// Scenario (f): the same pipelines on the memory broker and on SQLite at both durability levels, in one run.
struct DurableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "durable",
        abstract: "One-to-one and 4 partitions × concurrency 4 on memory, sqlite (full) and sqlite (process).",
        discussion: "Each store is a new file in --directory (default: a temporary folder), removed afterwards; "
            + "its size after the run is printed: records every group acked are deleted as the run goes."
    )

    @Option(help: "Events per scenario and backend.")
    var count = 500_000

    @Option(help: "Where the SQLite files go (the disk under test).")
    var directory = FileManager.default.temporaryDirectory.path

    @OptionGroup var publishing: PublishOptions

    func run() async throws {
        for (title, partitions, batches) in BrokerBench.scenarios(count: count, batch: publishing.batch) {
            var rows: [Measurement] = []
            var notes: [String] = []
            for backend in ["memory", "sqlite full", "sqlite process"] {
                let path = "\(directory)/flow-bench-\(UUID().uuidString).db"
                var bench = BrokerBench(
                    partitions: partitions,
                    concurrency: partitions,
                    batchSize: publishing.batch,
                    maxInFlight: publishing.inFlight,
                    window: publishing.window
                )
                if backend != "memory" {
                    bench.backend = .sqlite(path: path, durability: backend == "sqlite full" ? .full : .process)
                }
                var measurement = try await bench.run(count: count) { batches[$0] }
                measurement.name = backend
                rows.append(measurement)
                if backend != "memory" {
                    let ratio = rows[0].rate > 0 ? measurement.rate / rows[0].rate : 0
                    notes.append(
                        String(format: "%@ / memory (events/s) = %.2f; ", backend, ratio)
                            + "file \(Self.size(of: path)) after the run"
                    )
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                }
            }
            ResultTable.print("durable, \(title): \(count) events, batches of \(publishing.batch)", rows, notes: notes)
        }
    }

    /// The store's size on disk with its write-ahead log, e.g. `4.1 MB`.
    static func size(of path: String) -> String {
        let bytes = ["", "-wal"].reduce(0) { total, suffix in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + suffix)
            return total + ((attributes?[.size] as? Int) ?? 0)
        }
        return String(format: "%.1f MB", Double(bytes) / 1_000_000)
    }
}
