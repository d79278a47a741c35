import FlowCore
import FlowRESP

extension RESPConfiguration {
    /// The connection settings of a `redis://` broker URL (the lease is the broker's, not the connection's).
    public init(_ address: RedisAddress) {
        self.init(
            host: address.host,
            port: address.port,
            username: address.username,
            password: address.password,
            database: address.database
        )
    }
}
