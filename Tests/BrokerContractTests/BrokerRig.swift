import Dispatch
import FlowCore
import FlowRuntime
import FlowSQLite
import FlowTesting
import Foundation
import Synchronization
import Testing

/// One backend under test on a manual clock, with the calls the suite makes.
final class BrokerRig {
    let backend: Backend
    let scheduler = ManualScheduler()
    let location: String
    private(set) var broker: any TopicListing
    let queue = DispatchQueue(label: "tests.member")

    init(_ backend: Backend) async throws {
        self.backend = backend
        location =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("flow-contract-\(UUID().uuidString)/store.db").path
        broker = try await backend.open(scheduler, location)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: (location as NSString).deletingLastPathComponent)
    }

    /// Drops the broker (as a crash would, after its last commit) and opens the same state again.
    func restart() async throws {
        scheduler.settle()
        try await backend.crash(broker, location)
        broker = MemoryBroker(scheduler: scheduler)  // lets go of the old one, and so of its lock
        broker = try await reopen()
    }

    /// Opens the state again. A store's `flock` belongs to its open file description, which a child that
    /// another test of this process is spawning shares from its fork until its exec closes it: the lock the
    /// old broker released can linger that long, so a refusal is retried for a bounded while.
    private func reopen() async throws -> any TopicListing {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            do {
                return try await backend.open(scheduler, location)
            } catch let error as SQLiteStoreError where error.message.hasPrefix("another flow run owns") {
                guard ContinuousClock.now < deadline else { throw error }
                await Task.yield()
            }
        }
    }

    func join(
        _ group: String,
        topic: String = "orders",
        member: String = "m1",
        window: Int = 100
    ) async throws -> (CollectingSink, any BrokerSubscription) {
        let sink = CollectingSink()
        let request = SubscriptionRequest(topic: topic, group: group, member: member, window: window, queue: queue)
        let subscription = try await broker.subscribe(request, sink: sink)
        scheduler.settle()
        return (sink, subscription)
    }

    /// Publishes and returns a probe telling when (whether) the batch was stored.
    @discardableResult
    func publish(_ records: [OutgoingRecord], to topic: String = "orders", pastCapacity: Bool = false) -> PublishProbe {
        let probe = PublishProbe()
        broker.publish(records, to: topic, pastCapacity: pastCapacity, queue: callbackQueue) { probe($0) }
        return probe
    }

    /// Offers and returns the flags once the broker has answered.
    func offer(_ records: [OutgoingRecord]) throws -> [Bool] {
        let answer = Mutex<Result<[Bool], BrokerError>?>(nil)
        broker.offer(records, to: "orders", queue: callbackQueue) { result in answer.withLock { $0 = result } }
        scheduler.settle()
        return try #require(answer.withLock { $0 }).get()
    }

    func stats(_ topic: String = "orders") async throws -> TopicStats {
        try await broker.stats(of: topic)
    }
}

let callbackQueue = DispatchQueue(label: "tests.callbacks")

/// Records with ids `prefix0`, `prefix1`, … and the given keys (one record per key).
func records(_ prefix: String, keys: [String?]) -> [OutgoingRecord] {
    keys.enumerated().map {
        OutgoingRecord(key: $0.element, event: CloudEvent(id: "\(prefix)\($0.offset)", source: "tests", type: "Test"))
    }
}
