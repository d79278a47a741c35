import NIOCore
import NIOPosix

/// One TCP connection to Redis that pipelines: many commands may be in flight, their replies come back in
/// order (`RESPChannelHandler`).
///
/// Invariant: once a command timed out or the connection broke, the connection is closed and every later
/// `send` fails with `RESPError.connectionClosed`: a reply can never be taken for another command's.
public final class RESPConnection: Sendable {
    /// `host:port`, for errors (never the password).
    public let endpoint: String
    private let channel: any Channel

    /// A connection over `channel`, whose pipeline `addHandlers(to:endpoint:)` set up.
    init(channel: any Channel, endpoint: String) {
        self.channel = channel
        self.endpoint = endpoint
    }

    /// Connects to `configuration`'s server, authenticates and selects its database.
    public static func connect(
        to configuration: RESPConfiguration,
        on group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(RESPError) -> RESPConnection {
        let endpoint = configuration.endpoint
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(.nanoseconds(configuration.connectTimeout.wholeNanoseconds))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try addHandlers(to: channel, endpoint: endpoint) }
                }
                .connect(host: configuration.host, port: configuration.port)
                .get()
        } catch {
            throw .unreachable(endpoint: endpoint, reason: String(describing: error))
        }
        let connection = RESPConnection(channel: channel, endpoint: endpoint)
        var setup: [RESPCommand] = []
        if let password = configuration.password {
            let user = configuration.username.map { [RESPArgument($0)] } ?? []
            setup.append(RESPCommand("AUTH", user + [RESPArgument(password)]))
        }
        if configuration.database != 0 { setup.append(RESPCommand("SELECT", RESPArgument(configuration.database))) }
        do throws(RESPError) {
            if !setup.isEmpty {
                for (command, reply) in zip(
                    setup,
                    try await connection.send(setup, timeout: configuration.commandTimeout)
                ) {
                    try reply.checked(command)
                }
            }
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// Adds the decoder and the reply matcher to `channel`'s pipeline (on its event loop).
    static func addHandlers(to channel: any Channel, endpoint: String) throws {
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RESPDecoder(endpoint: endpoint)))
        try channel.pipeline.syncOperations.addHandler(RESPChannelHandler(endpoint: endpoint))
    }

    /// Sends `commands` in one write and returns their replies in order; an error reply is returned as
    /// `.error`, not thrown (see `RESPValue.checked`). Throws when the connection fails or `timeout` passes
    /// first; the connection is then closed.
    public func send(_ commands: [RESPCommand], timeout: Duration) async throws(RESPError) -> [RESPValue] {
        let result = await withCheckedContinuation { continuation in
            send(commands, timeout: timeout) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Sends `commands` in one write and calls `completion` (on the connection's event loop) with their
    /// replies in order, or with what broke the connection. Calls made one after another from one thread are
    /// written, and so run by Redis, in that order.
    public func send(
        _ commands: [RESPCommand],
        timeout: Duration,
        completion: @escaping @Sendable (Result<[RESPValue], RESPError>) -> Void
    ) {
        guard !commands.isEmpty else { return completion(.success([])) }
        let loop = channel.eventLoop
        let replies = commands.map { _ in loop.makePromise(of: RESPValue.self) }
        loop.execute { [channel, endpoint] in
            // A closed channel may have lost its handlers already: a write would then complete no reply.
            guard channel.isActive else {
                for (command, reply) in zip(commands, replies) {
                    reply.fail(RESPError.connectionClosed(endpoint: endpoint, command: command.description))
                }
                return
            }
            for (command, reply) in zip(commands, replies) {
                channel.write(RESPRequest(command: command, reply: reply), promise: nil)
            }
            channel.flush()
            let last = commands[commands.count - 1].description
            let timer = loop.scheduleTask(in: .nanoseconds(timeout.wholeNanoseconds)) {
                channel.triggerUserOutboundEvent(RESPTimeout(command: last, after: timeout), promise: nil)
            }
            replies[replies.count - 1].futureResult.whenComplete { _ in timer.cancel() }
        }
        EventLoopFuture.whenAllComplete(replies.map(\.futureResult), on: loop).whenSuccess { [endpoint] results in
            var values: [RESPValue] = []
            values.reserveCapacity(results.count)
            for (command, result) in zip(commands, results) {
                switch result {
                case .success(let value): values.append(value)
                case .failure(let error):
                    return completion(
                        .failure(
                            (error as? RESPError) ?? .connectionClosed(endpoint: endpoint, command: command.description)
                        )
                    )
                }
            }
            completion(.success(values))
        }
    }

    /// Whether the connection is still open (it may still break on the next write).
    public var isActive: Bool { channel.isActive }

    /// Closes the connection; replies still waiting fail with `RESPError.connectionClosed`.
    public func close() { channel.close(promise: nil) }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating.
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow
            ? (seconds < 0 ? .min : .max) : scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
