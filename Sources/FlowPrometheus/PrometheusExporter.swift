import CoreMetrics
import Foundation
import Prometheus

/// flow's Prometheus exporter: a registry of its own (never the process-wide default), the factory a run
/// records into, and the text exposition a scrape or the end-of-run file gets.
///
/// Invariant: everything recorded through `factory` appears in `exposition()`, named by `PrometheusNaming`.
public final class PrometheusExporter: Sendable {
    /// The content type of the text exposition format 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let registry = PrometheusCollectorRegistry()

    public init() {}

    /// The factory to hand to `RunOptions.metrics`.
    public var factory: any MetricsFactory { PrometheusNaming(registry: registry) }

    /// Every metric now, in the Prometheus text format.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    /// Writes `exposition()` to `path` atomically (a textfile collector never reads half a file).
    public func write(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(exposition()).write(to: url, options: .atomic)
    }
}
