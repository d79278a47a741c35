import FlowCore
import FlowPrometheus
import Foundation
import Logging
import Synchronization

/// What `flow run --metrics` and `--metrics-file` start: the Prometheus exporter the run records into, and
/// the scrape endpoint while the run lasts.
///
/// Invariants: the endpoint is listening before the pipeline starts (an address that cannot be bound stops
/// the run before anything is produced); it answers until `finish`, after the summary, so a scrape during the
/// shutdown sees the final counters; `finish` writes the metrics file from the same registry.
final class MetricsExport: Sendable {
    struct Problem: Error {
        let message: String
    }

    let exporter = PrometheusExporter()
    private let server: Mutex<MetricsServer?> = Mutex(nil)

    /// `--metrics` must be HOST:PORT (port 0 picks a free one).
    static func problem(with listen: String) -> String? {
        Pipeline.Producer.listenAddress(listen) == nil
            ? "\"\(listen)\" is not HOST:PORT (e.g. 127.0.0.1:9464, or 127.0.0.1:0 for any free port)" : nil
    }

    /// Serves `GET /metrics` on `listen` (HOST:PORT); returns the bound port, or the reason it cannot.
    func serve(on listen: String, logger: Logger) async -> Result<Int, Problem> {
        guard let address = Pipeline.Producer.listenAddress(listen) else {
            return .failure(Problem(message: Self.problem(with: listen) ?? listen))
        }
        let waiting = Mutex<CheckedContinuation<Result<Int, Problem>, Never>?>(nil)
        let settle: @Sendable (Result<Int, Problem>) -> Void = { result in
            waiting.withLock { $0.take() }?.resume(returning: result)
        }
        let server = MetricsServer(host: address.host, port: address.port, exporter: exporter, logger: logger) {
            settle(.success($0))
        }
        self.server.withLock { $0 = server }
        let result = await withCheckedContinuation { continuation in
            waiting.withLock { $0 = continuation }
            Task {
                do {
                    try await server.run()
                    settle(.failure(Problem(message: "the server stopped before it listened")))
                } catch {
                    settle(.failure(Problem(message: "cannot serve metrics on \(listen): \(error)")))
                }
            }
        }
        if case .success(let port) = result {
            logger.info("metrics listening", metadata: ["flow.listen": "\(address.host):\(port)/metrics"])
        }
        return result
    }

    /// Writes the final metrics to `file` (when given) and stops the endpoint; false when the file could not
    /// be written (said on stderr).
    func finish(file: String?) async -> Bool {
        var written = true
        if let file {
            do {
                try exporter.write(to: file)
            } catch {
                Terminal.printError("flow: cannot write the metrics file \"\(file)\": \(error.localizedDescription)")
                written = false
            }
        }
        if let server = server.withLock({ $0 }) { await server.stop() }
        return written
    }
}
