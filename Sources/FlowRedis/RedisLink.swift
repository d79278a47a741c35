import FlowRESP
import FlowRuntime
import Synchronization

/// The broker's connection to Redis: commands submitted one after another from the broker's queue are written,
/// and run by Redis, in that order (so acks, retry states and publishes of one process never overtake each
/// other); scripts run by their SHA1, loaded when the connection is made.
///
/// Invariants: `connection` and `scripts` change only under `state`'s lock; a broken connection fails what was
/// in flight with `BrokerError.unavailable` and a new one is made on the next request (after
/// `configuration.backoff`); a command is never resent by the link.
final class RedisLink: Sendable {
    /// A script and the SHA1 Redis gave it.
    enum Script: CaseIterable, Sendable {
        case declare, declareGroup, publish, steps, ack, retry, begin, replay, stats, heartbeat, read, claim

        var source: String {
            switch self {
            case .declare: RedisScripts.declare
            case .declareGroup: RedisScripts.declareGroup
            case .publish: RedisScripts.publish
            case .steps: RedisScripts.steps
            case .ack: RedisScripts.ack
            case .retry: RedisScripts.retry
            case .begin: RedisScripts.begin
            case .replay: RedisScripts.replay
            case .stats: RedisScripts.stats
            case .heartbeat: RedisScripts.heartbeat
            case .read: RedisScripts.read
            case .claim: RedisScripts.claim
            }
        }
    }

    private struct State {
        var connection: RESPConnection?
        var shas: [Script: String] = [:]
        var failures = 0
        var connecting = false
        /// Set by `close()`: no connection is made again.
        var closed = false
    }

    let configuration: RESPConfiguration
    private let state: Mutex<State>

    private init(configuration: RESPConfiguration, connection: RESPConnection, shas: [Script: String]) {
        self.configuration = configuration
        state = Mutex(State(connection: connection, shas: shas))
    }

    /// Connects and loads the scripts; fails with the reason Redis cannot be used.
    static func open(_ configuration: RESPConfiguration) async throws(RESPError) -> RedisLink {
        let (connection, shas) = try await connect(configuration)
        return RedisLink(configuration: configuration, connection: connection, shas: shas)
    }

    private static func connect(
        _ configuration: RESPConfiguration
    ) async throws(RESPError) -> (RESPConnection, [Script: String]) {
        let connection = try await RESPConnection.connect(to: configuration)
        let loads = Script.allCases.map { RESPCommand("SCRIPT", "LOAD", RESPArgument($0.source)) }
        do throws(RESPError) {
            let replies = try await connection.send(loads, timeout: configuration.commandTimeout)
            var shas: [Script: String] = [:]
            for (script, (command, reply)) in zip(Script.allCases, zip(loads, replies)) {
                shas[script] = try reply.checked(command).string
            }
            return (connection, shas)
        } catch {
            connection.close()
            throw error
        }
    }

    /// Sends `commands` in order after everything sent before; `completion` runs on a NIO thread.
    func send(_ commands: [RESPCommand], completion: @escaping @Sendable (Result<[RESPValue], BrokerError>) -> Void) {
        guard let connection = state.withLock({ $0.connection }), connection.isActive else {
            reconnect()
            return completion(.failure(.unavailable("redis at \(configuration.endpoint) is not connected")))
        }
        connection.send(commands, timeout: configuration.commandTimeout) { result in
            switch result {
            case .success(let replies): completion(.success(replies))
            case .failure(let error):
                if error.isConnectionError { self.drop(connection) }
                completion(.failure(.unavailable(error.description)))
            }
        }
    }

    /// Runs `script` with `arguments` (after the key prefix, which the caller puts first) and returns its reply,
    /// an error reply as `BrokerError.unavailable` naming the script's first argument.
    func run(
        _ script: Script,
        _ arguments: [RESPArgument],
        completion: @escaping @Sendable (Result<RESPValue, BrokerError>) -> Void
    ) {
        guard let sha = state.withLock({ $0.shas[script] }) else {
            return completion(.failure(.unavailable("redis at \(configuration.endpoint) is not connected")))
        }
        let command = RESPCommand("EVALSHA", [RESPArgument(sha), 0] + arguments)
        send([command]) { result in
            completion(
                result.flatMap { replies in
                    if case .error(let message) = replies[0] {
                        return .failure(.unavailable("\(Self.refusal) a \(script) script: \(message)"))
                    }
                    return .success(replies[0])
                }
            )
        }
    }

    /// Sends `commands` and returns their replies.
    func send(_ commands: [RESPCommand]) async throws(BrokerError) -> [RESPValue] {
        let result = await withCheckedContinuation { continuation in
            send(commands) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Closes the connection for good: later requests fail with `BrokerError.unavailable`.
    func close() {
        state.withLock { state in
            state.closed = true
            state.connection?.close()
            state.connection = nil
        }
    }

    private func drop(_ broken: RESPConnection) {
        broken.close()
        state.withLock { if $0.connection === broken { $0.connection = nil } }
        reconnect()
    }

    /// Whether `error` is Redis refusing a command (OOM, a wrong type): sending it again cannot help. Any other
    /// failure of the link is the connection's, worth another try once it is back.
    static func isRefusal(_ error: BrokerError) -> Bool {
        guard case .unavailable(let message) = error else { return true }
        return message.hasPrefix(refusal)
    }

    /// How messages of refusals start (`isRefusal`).
    static let refusal = "redis refused"

    /// Makes a new connection in the background, after the backoff for the failures so far.
    private func reconnect() {
        let delay: Duration? = state.withLock { state in
            guard !state.connecting, !state.closed else { return nil }
            state.connecting = true
            return configuration.backoff.delay(after: state.failures)
        }
        guard let delay else { return }
        Task {
            if delay > .zero { try? await Task.sleep(for: delay) }
            do throws(RESPError) {
                let (connection, shas) = try await Self.connect(configuration)
                state.withLock { state in
                    if state.closed { connection.close() }
                    state.connection = connection
                    state.shas = shas
                    state.failures = 0
                    state.connecting = false
                }
            } catch {
                state.withLock { state in
                    state.failures += 1
                    state.connecting = false
                }
            }
        }
    }
}
