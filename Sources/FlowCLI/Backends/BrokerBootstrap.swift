import FlowCore
import FlowRESP
import FlowRedis
import FlowRuntime
import FlowSQLite
import Logging

/// The executable's side of backend selection: turns a `BrokerURL` into a running backend. The engine never
/// imports a backend; a new one adds a case to `BrokerURL` and a line here.
enum BrokerBootstrap {
    /// Opens the backend `url` names for the pipeline `pipeline` on `scheduler`, or says why it cannot (a
    /// message users see).
    static func open(
        _ url: BrokerURL,
        pipeline: String,
        scheduler: any FlowScheduler,
        logger: Logger
    ) async -> Result<any Broker, BootstrapError> {
        switch url {
        case .memory:
            return .success(MemoryBroker(scheduler: scheduler))
        case .sqlite(let path, let durability, let abandonLimit):
            do {
                return .success(
                    try SQLiteBroker(
                        path: path,
                        durability: durability,
                        abandonLimit: abandonLimit,
                        scheduler: scheduler
                    )
                )
            } catch {
                return .failure(BootstrapError(message: error.description))
            }
        case .redis(let address):
            do throws(RESPError) {
                return .success(
                    try await RedisBroker.connect(
                        RESPConfiguration(address),
                        pipeline: pipeline,
                        lease: address.lease,
                        abandonLimit: address.abandonLimit,
                        scheduler: scheduler,
                        logger: logger
                    )
                )
            } catch {
                return .failure(BootstrapError(message: "\(error) (broker \(url))"))
            }
        }
    }

    /// Waits until what the backend acknowledged is on disk (a no-op for memory, and for Redis, which stored
    /// each write before answering; its members have left, giving up their leases, by now). A store whose run
    /// left no attempt unfinished is told so (`SQLiteBroker.closeCleanly`).
    static func close(_ broker: any Broker, everyAttemptFinished: Bool) async {
        guard let sqlite = broker as? SQLiteBroker else { return }
        if everyAttemptFinished { await sqlite.closeCleanly() } else { await sqlite.flush() }
    }

    /// Why a backend did not open.
    struct BootstrapError: Error {
        var message: String
    }
}
