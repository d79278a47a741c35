import FlowCore
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP server of an `http` producer (Hummingbird 2): `POST <path>` takes one CloudEvent,
/// `GET /healthz` answers `ok`.
///
/// Answers: 202 once the event is stored; 400 `{"error": "..."}` for a malformed event; 413 for a body over
/// 1 MiB; 503 `{"error": "..."}` with `Retry-After: 1` while the topic is full; 500 when the broker fails;
/// 404 elsewhere and 405 for another method on `path`.
///
/// Invariants: the server binds only `host:port` as configured (port 0 picks a free one, reported by
/// `run`); `run` returns after `stop()` once in-flight requests are answered, or throws when binding fails.
final class IngestServer: Sendable {
    /// The largest request body accepted.
    static let bodyLimit = 1 << 20

    private let group: ServiceGroup
    private let application: Application<CallbackResponder<BasicRequestContext>>

    /// A server for `path` on `host:port` whose events go to `publisher`; `onMalformed` receives each
    /// request answered 400; `onAnswered` each status code answered; `onRunning` receives the bound port once
    /// the server accepts connections.
    init(
        host: String,
        port: Int,
        path: String,
        publisher: IngestPublisher,
        logger: Logger,
        onMalformed: @escaping @Sendable (MalformedInput) -> Void,
        onAnswered: @escaping @Sendable (Int) -> Void,
        onRunning: @escaping @Sendable (Int) -> Void
    ) {
        let endpoint = IngestEndpoint(path: path, publisher: publisher, logger: logger, onMalformed: onMalformed)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        application = Application(
            responder: CallbackResponder { request, _ in
                let response = try await endpoint.respond(to: request)
                onAnswered(response.status.code)
                return response
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
    func run() async throws {
        try await group.run()
    }

    /// Stops accepting connections and lets in-flight requests finish; `run` then returns.
    func stop() async {
        await group.triggerGracefulShutdown()
    }
}

/// What the ingest server answers to one request.
struct IngestEndpoint: Sendable {
    let path: String
    let publisher: IngestPublisher
    let logger: Logger
    /// Told of every request answered 400 (its body as text and what is wrong).
    let onMalformed: @Sendable (MalformedInput) -> Void

    func respond(to request: Request) async throws -> Response {
        let requestPath = request.uri.path
        if requestPath == "/healthz" && request.method == .get {
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "ok")))
        }
        guard requestPath == path else {
            return Self.error(.notFound, "no endpoint at \(requestPath); post events to \(path)")
        }
        guard request.method == .post else {
            var response = Self.error(.methodNotAllowed, "use POST to send events to \(path)")
            response.headers[.allow] = "POST"
            return response
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: IngestServer.bodyLimit)
        } catch let error where error is NIOTooManyBytesError || (error as? HTTPError)?.status == .contentTooLarge {
            // Hummingbird's collectBody reports the limit as NIO's error; an HTTPError may say the same.
            return Self.error(.contentTooLarge, "the body exceeds 1 MiB")
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            if name == "content-type" || name.hasPrefix("ce-") || Self.traceHeaders.contains(name) {
                headers[name] = field.value
            }
        }
        var event: CloudEvent
        do throws(MalformedLineError) {
            event = try IngestDecoder.decode(headers: headers, body: Array(body.readableBytesView))
            // W3C trace context headers carry the sender's trace when the event itself carries none.
            if event.extensions["traceparent"] == nil, let parent = headers["traceparent"] {
                event.extensions["traceparent"] = .string(parent)
                if let state = headers["tracestate"] { event.extensions["tracestate"] = .string(state) }
            }
        } catch {
            let raw = String(decoding: body.readableBytesView, as: UTF8.self)
            onMalformed(MalformedInput(origin: .request(path: path), raw: raw, error: error.message))
            return Self.error(.badRequest, error.message)
        }
        switch await publisher.publish(event) {
        case .stored:
            return Response(status: .accepted)
        case .full:
            var response = Self.error(.serviceUnavailable, "topic \"\(publisher.topic)\" is full; retry later")
            response.headers[.retryAfter] = "1"
            return response
        case .rejected(let message):
            let raw = String(decoding: body.readableBytesView, as: UTF8.self)
            onMalformed(MalformedInput(origin: .request(path: path), raw: raw, error: message))
            return Self.error(.badRequest, message)
        case .failed(let message):
            logger.error("ingest cannot store events", metadata: ["flow.error": "\(message)"])
            return Self.error(.internalServerError, message)
        }
    }

    /// The W3C trace context headers a request may carry.
    static let traceHeaders: Set<String> = ["traceparent", "tracestate"]

    /// A JSON error answer: `{"error": message}`.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let body = Value.object(["error": .string(message)]).jsonString
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }
}
