import Logging
import OTel
import ServiceLifecycle
import Tracing

/// flow's OpenTelemetry trace exporter (swift-otel, OTLP/HTTP with protobuf bodies): the tracer a run hands
/// its spans to, and the background service that batches and sends them.
///
/// Invariants: made without touching `InstrumentationSystem` (an embedder's own bootstrap stays theirs);
/// `shutdown()` returns only after the batch processor flushed every span ended before it was called, so a
/// short run exports all of its spans; only W3C trace context is propagated (`traceparent`, `tracestate`).
public final class OTLPTracing: Sendable {
    /// The tracer to hand to `RunOptions.tracer`.
    public let tracer: any Tracer
    private let group: ServiceGroup
    private let running: Task<Void, Never>

    /// A tracer exporting to `endpoint`, a base URL (`http://collector:4318`, to which `/v1/traces` is added)
    /// or the traces URL itself; nil leaves the endpoint to `OTEL_EXPORTER_OTLP_ENDPOINT` and
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, which swift-otel reads (and which, when set, take precedence: a
    /// caller that wants `endpoint` to win sets the latter to `tracesURL(endpoint)`).
    /// `serviceName` is the resource's `service.name` unless `OTEL_SERVICE_NAME` says otherwise, `resource`
    /// its other attributes. Diagnostics of the exporter (a collector that cannot be reached) go to `logger`.
    public init(endpoint: String?, serviceName: String, resource: [String: String], logger: Logger) throws {
        var configuration = OTel.Configuration.default
        configuration.serviceName = serviceName
        configuration.resourceAttributes = resource
        configuration.diagnosticLogger = .custom(logger)
        configuration.diagnosticLogLevel = .warning
        configuration.propagators = [.traceContext]
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.sampler = .parentBasedAlwaysOn
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        // The SDK defaults (a 2,048-span queue, one 512-span export every 5 s unless the queue fills) dropped
        // 31 % of the spans of a 20,000-event run (three spans an event); these dropped none (30 to 50 MB more
        // at the peak). `OTEL_BSP_*` still override them.
        configuration.traces.batchSpanProcessor.scheduleDelay = .seconds(1)
        configuration.traces.batchSpanProcessor.maxQueueSize = 65_536
        configuration.traces.batchSpanProcessor.maxExportBatchSize = 8_192
        if let endpoint { configuration.traces.otlpExporter.endpoint = Self.tracesURL(endpoint) }
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        tracer = backend.factory
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [backend.service],
                gracefulShutdownSignals: [],
                logger: logger
            )
        )
        self.group = group
        running = Task {
            do {
                try await group.run()
            } catch {
                logger.error("the trace exporter stopped", metadata: ["flow.error": "\(error)"])
            }
        }
    }

    /// `endpoint` with `/v1/traces` appended unless it names that path already: the traces URL of a base URL.
    public static func tracesURL(_ endpoint: String) -> String {
        if endpoint.hasSuffix("/v1/traces") { return endpoint }
        return endpoint.hasSuffix("/") ? endpoint + "v1/traces" : endpoint + "/v1/traces"
    }

    /// Flushes every span ended so far to the collector and stops the exporter.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        await running.value
    }
}
