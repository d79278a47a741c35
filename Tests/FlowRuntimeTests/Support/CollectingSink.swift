import Synchronization

@testable import FlowRuntime

/// A delivery sink that keeps every record it is pushed, for assertions.
final class CollectingSink: DeliverySink {
    private let store = Mutex<[BrokerRecord]>([])

    func receive(_ records: [BrokerRecord]) {
        store.withLock { $0.append(contentsOf: records) }
    }

    var records: [BrokerRecord] { store.withLock { $0 } }

    var ids: [String] { records.map(\.event.id) }
}
