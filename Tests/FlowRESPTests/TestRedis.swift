import FlowRESP
import Foundation

/// The Redis server `scripts/test.sh` started for this run (`FLOW_TEST_REDIS_PORT`), and keys of a test's own.
enum TestRedis {
    static let port = ProcessInfo.processInfo.environment["FLOW_TEST_REDIS_PORT"].flatMap { Int($0) }

    /// Tests that need the server run only when the test script started one (plain `swift test` lists them as
    /// skipped, never as passed).
    static let available = port != nil

    static func configuration(database: Int = 0) -> RESPConfiguration {
        RESPConfiguration(host: "127.0.0.1", port: port ?? 6379, database: database)
    }

    /// A key prefix no other test uses.
    static func prefix() -> String { "flow-test:\(UUID().uuidString):" }

    /// A loopback port nothing listens on (bound, then closed).
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(fd, raw, length) == 0, getsockname(fd, raw, &length) == 0 else {
                    throw POSIXError(.EADDRINUSE)
                }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
