import FlowCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// An in-process HTTP server on 127.0.0.1 (a free port) that answers every request with the scripted reply
/// and records what it received.
final class ScriptedServer: Sendable {
    /// One scripted answer.
    struct Reply: Sendable {
        var status: HTTPResponse.Status = .ok
        var body = ""
        var headers: HTTPFields = [:]
    }

    /// One received request: lower-case header names.
    struct Received: Sendable {
        var path: String
        var headers: [String: String]
        var body: String
    }

    /// What the server received, in order.
    final class Recorder: Sendable {
        let received = Mutex<[Received]>([])
    }

    private let group: ServiceGroup
    private let recorder: Recorder
    private let task: Task<Void, any Error>
    let port: Int

    private init(group: ServiceGroup, recorder: Recorder, task: Task<Void, any Error>, port: Int) {
        self.group = group
        self.recorder = recorder
        self.task = task
        self.port = port
    }

    /// A running server answering with `script`.
    static func start(_ script: @escaping @Sendable (Received) -> Reply) async throws -> ScriptedServer {
        let recorder = Recorder()
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let received = Received(path: request.uri.path, headers: headers, body: String(buffer: body))
            recorder.received.withLock { $0.append(received) }
            let reply = script(received)
            return Response(
                status: reply.status,
                headers: reply.headers,
                body: .init(byteBuffer: ByteBuffer(string: reply.body))
            )
        }
        var quiet = Logger(label: "scripted")
        quiet.logLevel = .critical
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portSink.yield(channel.localAddress?.port ?? 0)
                portSink.finish()
            },
            logger: quiet
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [application],
                gracefulShutdownSignals: [],
                logger: quiet
            )
        )
        let running = Task { try await group.run() }
        var port = 0
        for await bound in ports { port = bound }
        return ScriptedServer(group: group, recorder: recorder, task: running, port: port)
    }

    /// The requests received so far.
    var requests: [Received] { recorder.received.withLock { $0 } }

    /// `http://127.0.0.1:<port><path>`.
    func url(_ path: String = "/hook") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Stops the server and waits for it.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}
