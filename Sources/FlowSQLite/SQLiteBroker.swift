import Dispatch
import FlowCore
import FlowRuntime
import Foundation

/// The embedded durable broker: the `MemoryBroker` engine (order, credit, backpressure) with every change
/// journaled to one SQLite file in WAL mode by a group-commit writer (`SQLiteJournal`).
///
/// SQLite comes from the system (`libsqlite3-dev`, the `CSQLite` system-library target) rather than GRDB:
/// the store needs a dozen prepared statements on one writer connection, and GRDB's 62 s release build
/// (FIELD-NOTES) and its own queue model would buy nothing here.
///
/// Invariants:
/// - a record is delivered and its publish completes only once its transaction committed, so whatever a
///   producer (or an ingest 202) was told is stored survives a crash; `durability: full` fsyncs each commit
///   (it survives power loss), `process` survives the process being killed;
/// - one process owns the file (an exclusive `flock`, released by the kernel even on SIGKILL);
/// - a restart resumes every group at its committed watermark and skips what it acked above it; each attempt
///   of a record the run before may have been handling is marked begun (committed) before it starts;
/// - the engine's state is owned by its serial queue, the connection by the journal's writer queue.
///
/// `@unchecked Sendable`: everything mutable belongs to the engine's or the journal's queue (see above).
public final class SQLiteBroker: TopicListing, @unchecked Sendable {
    /// The file as the user named it.
    public let path: String
    let engine: MemoryBroker
    let journal: SQLiteJournal
    private let lock: SQLiteOwnerLock
    /// Whether the run before this one may have ended in the middle of attempts (`RestoredTopic`).
    private let resumesAfterCrash: Bool

    /// Opens (creating it and its directory if needed) the store at `path`, or throws a clear error: another
    /// process owns it, it is a directory, it is not a flow store, it is newer or corrupt, it cannot be written.
    /// A record handed out again after a restart is dead-lettered once `abandonLimit` of its attempts were
    /// begun and cut off by the process ending (`AbandonedAttempts`).
    public init(
        path: String,
        durability: BrokerURL.Durability = .full,
        abandonLimit: Int = BrokerURL.defaultAbandonLimit,
        scheduler: any FlowScheduler
    ) throws(SQLiteStoreError) {
        self.path = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw SQLiteStoreError(path: path, "is a directory; name a file such as \(path)/flow.db")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        lock = try SQLiteOwnerLock(
            path: path,
            purpose: "stop it first, or give this run its own file (one machine, one process: run many processes "
                + "on redis://)"
        )
        let queue = DispatchQueue(label: "flow.broker.sqlite")
        let connection = try SQLiteConnection(path: path)
        try SQLiteSchema.prepare(connection, synchronous: durability == .full ? "FULL" : "NORMAL")
        // Read and dropped at once: should this run crash, the next one finds no `clean`.
        resumesAfterCrash = try connection.integer("SELECT value FROM meta WHERE key = 'clean'") != 1
        try connection.execute("DELETE FROM meta WHERE key = 'clean'")
        journal = try SQLiteJournal(connection: connection, brokerQueue: queue, scheduler: scheduler)
        engine = MemoryBroker(scheduler: scheduler, queue: queue, journal: journal, abandonLimit: abandonLimit)
    }

    /// Always: what was committed outlives the process.
    public var isDurable: Bool { true }

    public func declare(_ spec: TopicSpec) async throws(BrokerError) {
        // Declared before in this run: the engine alone decides (same spec: no-op; another: a conflict).
        if (try? await engine.stats(of: spec.name)) != nil { return try await engine.declare(spec) }
        let stored: (partitions: Int, state: RestoredTopic)?
        do {
            stored = try await journal.read { connection throws(SQLiteStoreError) in
                try SQLiteLoader.topic(spec.name, in: connection)
            }
        } catch {
            throw .unavailable(error.description)
        }
        if let stored, stored.partitions != spec.partitions {
            throw .unavailable(
                "topic \"\(spec.name)\" is stored in \"\(path)\" with \(stored.partitions) partitions, the pipeline "
                    + "declares \(spec.partitions); keep the partition count, or start a new store"
            )
        }
        try await engine.declare(spec)
        guard var state = stored?.state else { return }
        state.resumesAfterCrash = resumesAfterCrash
        try await engine.restore(state, of: spec.name)
    }

    public func declareGroup(_ group: String, on topic: String) async throws(BrokerError) {
        try await engine.declareGroup(group, on: topic)
    }

    public func publish(
        _ records: [OutgoingRecord],
        to topic: String,
        pastCapacity: Bool,
        queue: DispatchQueue,
        completion: @escaping @Sendable (Result<Void, BrokerError>) -> Void
    ) {
        engine.publish(records, to: topic, pastCapacity: pastCapacity, queue: queue, completion: completion)
    }

    public func offer(
        _ records: [OutgoingRecord],
        to topic: String,
        queue: DispatchQueue,
        completion: @escaping @Sendable (Result<[Bool], BrokerError>) -> Void
    ) {
        engine.offer(records, to: topic, queue: queue, completion: completion)
    }

    public func publish(
        _ steps: [ProducerStep],
        from producer: String,
        queue: DispatchQueue,
        completion: @escaping @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
    ) {
        engine.publish(steps, from: producer, queue: queue, completion: completion)
    }

    /// The checkpoint committed last for `producer`, read from the file.
    public func checkpoint(of producer: String) async throws(BrokerError) -> ProducerCheckpoint? {
        do {
            return try await journal.read { connection throws(SQLiteStoreError) in
                try SQLiteLoader.checkpoint(of: producer, in: connection)
            }
        } catch {
            throw .unavailable(error.description)
        }
    }

    public func subscribe(
        _ request: SubscriptionRequest,
        sink: any DeliverySink
    ) async throws(BrokerError) -> any BrokerSubscription {
        try await engine.subscribe(request, sink: sink)
    }

    public func stats(of topic: String) async throws(BrokerError) -> TopicStats {
        try await engine.stats(of: topic)
    }

    /// The records `topic` still holds, by partition then offset (see `MemoryBroker.records(of:)`).
    public func records(of topic: String) async throws(BrokerError) -> [BrokerRecord] {
        try await engine.records(of: topic)
    }

    /// Waits until everything journaled so far is committed (for a clean shutdown and for tests).
    public func flush() async {
        await engine.afterEverythingCommitted()
    }

    /// Records that the run ends with no attempt left unfinished (its consumers drained), then waits for
    /// everything to be committed: the next run then takes over only records with begun marks (those this
    /// run took over and never finished get a mark row of 0 first).
    public func closeCleanly() async {
        await engine.keepTakenOver()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            journal.endedCleanly { continuation.resume() }
        }
        await flush()
    }
}
