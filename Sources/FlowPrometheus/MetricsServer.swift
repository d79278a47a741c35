import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP endpoint Prometheus scrapes (Hummingbird 2): `GET /metrics` answers the exporter's exposition,
/// `GET /healthz` answers `ok`, anything else 404.
///
/// Invariants: binds only `host:port` (port 0 picks a free one, reported to `onRunning`); `run` returns after
/// `stop()`, or throws when the address cannot be bound.
public final class MetricsServer: Sendable {
    private let group: ServiceGroup

    /// A server for `exporter` on `host:port`; `onRunning` receives the bound port once it accepts
    /// connections.
    public init(
        host: String,
        port: Int,
        exporter: PrometheusExporter,
        logger: Logger,
        onRunning: @escaping @Sendable (Int) -> Void
    ) {
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        let application = Application(
            responder: CallbackResponder { (request, _: BasicRequestContext) in
                Self.respond(to: request, exporter: exporter)
            },
            configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { channel in onRunning(channel.localAddress?.port ?? port) },
            logger: quiet
        )
        group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [application],
                gracefulShutdownSignals: [],
                logger: quiet
            )
        )
    }

    /// Serves until `stop()`; throws when the address cannot be bound.
    public func run() async throws {
        try await group.run()
    }

    /// Stops accepting connections; `run` then returns.
    public func stop() async {
        await group.triggerGracefulShutdown()
    }

    private static func respond(to request: Request, exporter: PrometheusExporter) -> Response {
        switch (request.method, request.uri.path) {
        case (.get, "/metrics"):
            return Response(
                status: .ok,
                headers: [.contentType: PrometheusExporter.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: exporter.exposition()))
            )
        case (.get, "/healthz"):
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok")))
        default:
            return Response(
                status: .notFound,
                body: ResponseBody(byteBuffer: ByteBuffer(string: "metrics are at GET /metrics\n"))
            )
        }
    }
}
