import Foundation
import Testing

/// The `redis-server` binary `scripts/test.sh` found; nil under a plain `swift test`.
let redisServerBinary = ProcessInfo.processInfo.environment["FLOW_TEST_REDIS_SERVER"]

/// A `redis-server` of a test's own, for what the shared one must not suffer (being killed and restarted): on
/// a free loopback port, its files in a fresh directory, stopped by its pid (never by name) and removed.
final class RedisServer {
    let port: String
    let directory: URL
    private let arguments: [String]
    private var process: Process?

    /// Starts a server with `options` (e.g. `--appendonly yes`) and waits until it answers.
    init(options: [String]) throws {
        let free = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c",
                "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])",
            ]
        )
        port = free.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        arguments = ["--bind", "127.0.0.1", "--port", port, "--dir", directory.path, "--save", ""] + options
        try start()
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts the server again on the same port and files (after `kill`), and waits until it answers.
    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(redisServerBinary))
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let log = try logHandle()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try log.close()
        self.process = process
        for _ in 0..<100 {  // bounded: the server loads its append-only file first
            if try cli(["PING"]).stdout.hasPrefix("PONG") { return }
            usleep(100_000)
        }
        Issue.record("redis-server did not answer on port \(port)")
    }

    /// SIGKILLs the server, as a crash would: only what its append-only file holds comes back.
    func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    /// `redis-cli` against this server.
    func cli(_ arguments: [String]) throws -> ChildProcess.Outcome {
        try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["redis-cli", "-p", port] + arguments)
    }

    /// The server's log, appended to across restarts.
    private func logHandle() throws -> FileHandle {
        let log = directory.appendingPathComponent("server.log")
        if !FileManager.default.fileExists(atPath: log.path) { try Data().write(to: log) }
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        return handle
    }
}
