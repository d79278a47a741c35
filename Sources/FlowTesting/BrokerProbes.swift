import FlowRuntime
import Synchronization

/// A delivery sink that keeps every record it is pushed, for assertions on what a broker delivered.
public final class CollectingSink: DeliverySink {
    private let store = Mutex<[BrokerRecord]>([])

    public init() {}

    public func receive(_ records: [BrokerRecord]) {
        store.withLock { $0.append(contentsOf: records) }
    }

    /// Every record received so far, in arrival order.
    public var records: [BrokerRecord] { store.withLock { $0 } }

    /// The event ids of `records`.
    public var ids: [String] { records.map(\.event.id) }
}

/// Tracks whether a publish completed, and how; pass it as the completion (`probe($0)`).
public final class PublishProbe: Sendable {
    private let state = Mutex<Result<Void, BrokerError>?>(nil)

    public init() {}

    /// Whether the completion ran, successfully or not.
    public var isComplete: Bool { state.withLock { $0 != nil } }

    /// The error the publish completed with, if any.
    public var error: BrokerError? {
        state.withLock { result in
            if case .failure(let error)? = result { return error }
            return nil
        }
    }

    public func callAsFunction(_ result: Result<Void, BrokerError>) {
        state.withLock { $0 = result }
    }
}
