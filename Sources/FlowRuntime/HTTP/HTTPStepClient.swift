import AsyncHTTPClient
import FlowCore
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// The HTTP client every `http` step of a run shares: one connection pool with keep-alive, so consecutive
/// requests to the same host reuse connections.
///
/// Invariants:
/// - `post` never throws: every transport problem (refused connection, reset, timeout) comes back as a
///   `HTTPStepReply.failed` with a lower-case message, which the step treats as retryable;
/// - a response body is read up to `HTTPStepOutcome.bodyLimit` bytes and no further;
/// - redirects are not followed and failed connection attempts are not retried inside the client: the
///   consumer's retry policy is the only retry loop, so `max_attempts` means what it says;
/// - the pool is created by the first request, so a run without `http` steps opens nothing;
/// - `shutdown()` closes it once no step uses it (`PipelineRun` calls it after its consumers have drained);
///   a client released without it closes its pool in the background; `shared` lives as long as the process.
public final class HTTPStepClient: Sendable {
    private let connectionsPerHost: Int
    private let pool = Mutex<(client: HTTPClient?, isShutDown: Bool)>((nil, false))

    /// A client with its own pool of up to `connectionsPerHost` keep-alive connections per host (requests
    /// beyond that wait for a free connection).
    public init(connectionsPerHost: Int = 64) {
        self.connectionsPerHost = connectionsPerHost
    }

    deinit {
        pool.withLock { $0.client }?.shutdown { _ in }
    }

    /// The pool, made on first use; nil once shut down.
    private var client: HTTPClient? {
        pool.withLock { state in
            guard !state.isShutDown else { return nil }
            if let client = state.client { return client }
            let client = Self.makeClient(connectionsPerHost: connectionsPerHost)
            state.client = client
            return client
        }
    }

    private static func makeClient(connectionsPerHost: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: .seconds(5))
        )
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// A process-wide client for handlers built without one (tests, embedders); never shut down.
    public static let shared = HTTPStepClient()

    /// Closes the pool's connections; requests still running fail. Call once, after the last request.
    public func shutdown() async {
        let client = pool.withLock { state in
            defer {
                state.client = nil
                state.isShutDown = true
            }
            return state.client
        }
        try? await client?.shutdown()
    }

    /// POSTs `request`, giving up after `timeout`; reads the response body up to the outcome's limit.
    func post(_ request: HTTPStepRequest, timeout: Duration) async -> HTTPStepReply {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .POST
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        guard let client else { return .failed("the run is shutting down") }
        let nanoseconds = Int64(DurationText.milliseconds(timeout) * 1_000_000)
        do {
            let response = try await client.execute(outgoing, timeout: .nanoseconds(nanoseconds))
            var body: [UInt8] = []
            var truncated = false
            for try await chunk in response.body {
                body.append(contentsOf: chunk.readableBytesView.prefix(HTTPStepOutcome.bodyLimit + 1 - body.count))
                if body.count > HTTPStepOutcome.bodyLimit {
                    truncated = true
                    break
                }
            }
            return .response(
                status: Int(response.status.code),
                retryAfter: response.headers.first(name: "retry-after"),
                body: body,
                truncated: truncated
            )
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            return .failed("timed out after \(DurationText.format(timeout))")
        } catch {
            return .failed(Self.describe(error))
        }
    }

    /// A short account of a transport error: "connection refused" for a refused connection (NIO's text for it
    /// spans several nested errors), else the error's own description.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.localizedCaseInsensitiveContains("connection refused") ? "connection refused" : text
    }
}

/// What came back from one POST.
enum HTTPStepReply: Sendable {
    /// The server answered; `body` holds at most `HTTPStepOutcome.bodyLimit` bytes (`truncated` when it
    /// sent more).
    case response(status: Int, retryAfter: String?, body: [UInt8], truncated: Bool)
    /// No answer: the message says why (refused, reset, timed out).
    case failed(String)
}
