// A Redis client written for flow: no Swift Redis client is in the package mirror this project builds from
// (valkey-swift and RediStack are not there), and a broker backend needs only a small part of one: RESP2,
// pipelining, MULTI/EXEC, timeouts and reconnecting. It sits on SwiftNIO, which flow already depends on.
import NIOCore
import NIOPosix

/// A Redis client with one pipelining connection, made again when it breaks.
///
/// Invariants: commands a caller sends together go out in one write on one connection, so their replies
/// and a `MULTI`/`EXEC` block are never split across connections; a command is never sent twice by the
/// client (a broken connection fails it with `RESPError.connectionClosed`: it may or may not have run, and
/// the caller decides); after `n` failed connection attempts in a row the next one waits
/// `configuration.backoff.delay(after: n)`.
public actor RESPClient {
    public let configuration: RESPConfiguration
    private let group: any EventLoopGroup
    private let sleep: @Sendable (Duration) async throws -> Void
    private var connection: RESPConnection?
    private var connecting: Task<Result<RESPConnection, RESPError>, Never>?
    private var failures = 0
    /// Connections made after the first one (each one a reconnect after a break).
    public private(set) var reconnects = 0
    private var connectedOnce = false

    /// A client for `configuration`; `sleep` waits out the backoff (tests pass one that records the delays).
    public init(
        _ configuration: RESPConfiguration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.configuration = configuration
        self.group = group
        self.sleep = sleep
    }

    /// Sends `command` and returns its reply; an error reply is thrown as `RESPError.server`.
    @discardableResult
    public func send(_ command: RESPCommand) async throws(RESPError) -> RESPValue {
        try await pipeline([command])[0].checked(command)
    }

    /// Sends `commands` in one write and returns their replies in order, error replies as `.error` values.
    public func pipeline(_ commands: [RESPCommand]) async throws(RESPError) -> [RESPValue] {
        let connection = try await connected()
        do throws(RESPError) {
            return try await connection.send(commands, timeout: configuration.commandTimeout)
        } catch {
            if error.isConnectionError { drop(connection) }
            throw error
        }
    }

    /// Runs `commands` as one `MULTI`/`EXEC` block and returns their replies. Throws the first error reply
    /// naming its command: a command Redis refused to queue aborts the whole block (nothing ran); one that
    /// failed while running did not stop the others (Redis does not roll back), and is thrown all the same.
    public func transaction(_ commands: [RESPCommand]) async throws(RESPError) -> [RESPValue] {
        let multi = RESPCommand("MULTI")
        let exec = RESPCommand("EXEC")
        let replies = try await pipeline([multi] + commands + [exec])
        try replies[0].checked(multi)
        for (command, queued) in zip(commands, replies.dropFirst()) { try queued.checked(command) }
        guard let results = try replies[replies.count - 1].checked(exec).array, results.count == commands.count
        else {
            throw .protocolViolation(endpoint: configuration.endpoint, reason: "EXEC answered without its replies")
        }
        for (command, result) in zip(commands, results) { try result.checked(command) }
        return results
    }

    /// Closes the connection; the next command opens a new one.
    public func close() {
        connection?.close()
        connection = nil
    }

    private func drop(_ broken: RESPConnection) {
        broken.close()
        if connection === broken { connection = nil }
    }

    /// The open connection, or a new one once the backoff for the failures so far has passed.
    private func connected() async throws(RESPError) -> RESPConnection {
        if let connection, connection.isActive { return connection }
        connection = nil
        let task: Task<Result<RESPConnection, RESPError>, Never>
        if let connecting {
            task = connecting
        } else {
            let delay = configuration.backoff.delay(after: failures)
            task = Task { [configuration, group, sleep] in
                if delay > .zero { try? await sleep(delay) }
                do throws(RESPError) {
                    return .success(try await RESPConnection.connect(to: configuration, on: group))
                } catch {
                    return .failure(error)
                }
            }
            connecting = task
        }
        let result = await task.value
        if connecting == task {
            connecting = nil
            switch result {
            case .success(let made):
                connection = made
                failures = 0
                if connectedOnce { reconnects += 1 }
                connectedOnce = true
            case .failure: failures += 1
            }
        }
        return try result.get()
    }
}
