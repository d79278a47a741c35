import FlowCore
import FlowRESP
import FlowRedis
import FlowRuntime
import FlowSQLite
import Foundation

/// Opens the backend a benchmark names: each run gets fresh state (a Redis pipeline name of its own).
enum BenchBroker {
    static func open(_ url: BrokerURL, scheduler: any FlowScheduler) async throws -> any Broker {
        switch url {
        case .memory: return MemoryBroker(scheduler: scheduler)
        case .sqlite(let path, let durability, _):
            return try SQLiteBroker(path: path, durability: durability, scheduler: scheduler)
        case .redis(let address):
            return try await RedisBroker.connect(
                RESPConfiguration(address),
                pipeline: "flow-bench-\(UUID().uuidString)",
                lease: address.lease,
                scheduler: scheduler
            )
        }
    }
}
