import FlowCore
import FlowRuntime
import FlowSQLite

/// The executable's side of backend selection: turns a `BrokerURL` into a running backend. The engine never
/// imports a backend; a new one adds a case to `BrokerURL` and a line here.
enum BrokerBootstrap {
    /// Opens the backend `url` names on `scheduler`, or says why it cannot (a message users see).
    static func open(_ url: BrokerURL, scheduler: any FlowScheduler) -> Result<any Broker, BootstrapError> {
        switch url {
        case .memory:
            return .success(MemoryBroker(scheduler: scheduler))
        case .sqlite(let path, let durability):
            do {
                return .success(try SQLiteBroker(path: path, durability: durability, scheduler: scheduler))
            } catch {
                return .failure(BootstrapError(message: error.description))
            }
        }
    }

    /// Waits until what the backend acknowledged is on disk (a no-op for memory).
    static func close(_ broker: any Broker) async {
        if let sqlite = broker as? SQLiteBroker { await sqlite.flush() }
    }

    /// Why a backend did not open.
    struct BootstrapError: Error {
        var message: String
    }
}
