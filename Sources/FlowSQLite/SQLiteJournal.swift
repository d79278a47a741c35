import Dispatch
import FlowCore
import FlowRuntime

/// The group-commit writer behind `SQLiteBroker`: it collects what the broker journals and writes it in one
/// transaction per tick.
///
/// Invariants:
/// - `pending`, `waiters`, `writing` and `failure` are owned by the broker's queue (`brokerQueue`); the
///   connection is used only on `writerQueue`;
/// - at most one transaction is in flight; what arrives meanwhile is written by the next one, whole, so all
///   the changes the broker made in one turn of its queue share one transaction;
/// - a waiter runs only after every change journaled before it was committed, or with the error that
///   stopped the writer; after a failed commit the journal refuses everything (nothing after it is durable).
///
/// `@unchecked Sendable`: state is confined to the two queues as stated above.
final class SQLiteJournal: BrokerJournal, @unchecked Sendable {
    let brokerQueue: DispatchQueue
    private let writerQueue: DispatchQueue
    private let scheduler: any FlowScheduler
    private let writer: SQLiteWriter

    private var pending: [SQLiteChange] = []
    private var waiters: [@Sendable (BrokerError?) -> Void] = []
    private var writing = false
    private var flushScheduled = false
    private var failure: BrokerError?

    init(
        connection: SQLiteConnection,
        brokerQueue: DispatchQueue,
        scheduler: any FlowScheduler
    ) throws(SQLiteStoreError) {
        self.brokerQueue = brokerQueue
        self.scheduler = scheduler
        writerQueue = DispatchQueue(label: "flow.broker.sqlite.writer")
        writer = try SQLiteWriter(connection)
    }

    func declared(_ spec: TopicSpec) { add(.topic(spec)) }

    func declaredGroup(_ group: String, on topic: String, starts: [Int64]) {
        add(.group(group, topic: topic, starts: starts))
    }

    func stored(_ record: BrokerRecord, in topic: String) { add(.record(record, topic: topic)) }

    func acked(_ positions: [RecordPosition], of topic: String, group: String, committed: [Int: Int64]) {
        add(.acks(positions, topic: topic, group: group, committed: committed))
    }

    func dropped(in topic: String, partition: Int, below offset: Int64, evicted: Int) {
        add(.drop(topic: topic, partition: partition, below: offset, evicted: evicted))
    }

    func checkpointed(_ producer: String, at checkpoint: ProducerCheckpoint) {
        add(.checkpoint(producer, checkpoint))
    }

    func retrying(_ position: RecordPosition, of topic: String, group: String, _ state: RetryState) {
        add(.retry(position, topic: topic, group: group, state))
    }

    func began(_ position: RecordPosition, of topic: String, group: String, count: Int) {
        add(.begun(position, topic: topic, group: group, count: count))
    }

    /// Journals that the run ends with every attempt finished; `done` runs once that is committed.
    func endedCleanly(_ done: @escaping @Sendable () -> Void) {
        scheduler.execute(on: brokerQueue) {
            self.add(.clean)
            self.afterCommit { _ in done() }
        }
    }

    func afterCommit(_ work: @escaping @Sendable (BrokerError?) -> Void) {
        dispatchPrecondition(condition: .onQueue(brokerQueue))
        if let failure { return work(failure) }
        if pending.isEmpty && !writing { return work(nil) }
        waiters.append(work)
        scheduleFlush()
    }

    /// Runs `body` with the connection on the writer queue, after every transaction started before it.
    func read<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws(SQLiteStoreError) -> T
    ) async throws(SQLiteStoreError) -> T {
        let result: Result<T, SQLiteStoreError> = await withCheckedContinuation { continuation in
            scheduler.execute(on: writerQueue) {
                do throws(SQLiteStoreError) {
                    continuation.resume(returning: .success(try body(self.writer.connection)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    private func add(_ change: SQLiteChange) {
        dispatchPrecondition(condition: .onQueue(brokerQueue))
        guard failure == nil else { return }
        pending.append(change)
        scheduleFlush()
    }

    private func scheduleFlush() {
        guard !writing, !flushScheduled else { return }
        flushScheduled = true
        scheduler.execute(on: brokerQueue) { self.flush() }
    }

    /// Hands what is pending to the writer as one transaction; the waiters run once it committed.
    private func flush() {
        dispatchPrecondition(condition: .onQueue(brokerQueue))
        flushScheduled = false
        guard !writing, !(pending.isEmpty && waiters.isEmpty) else { return }
        let changes = pending
        let batch = waiters
        pending = []
        waiters = []
        writing = true
        scheduler.execute(on: writerQueue) {
            let error = self.write(changes)
            self.scheduler.execute(on: self.brokerQueue) {
                self.writing = false
                if let error { self.failure = error }
                for waiter in batch { waiter(error) }
                if error == nil, !self.pending.isEmpty || !self.waiters.isEmpty {
                    self.flush()
                } else if let error {
                    let stranded = self.waiters
                    self.waiters = []
                    self.pending = []
                    for waiter in stranded { waiter(error) }
                }
            }
        }
    }

    /// Writes `changes` in one transaction (on the writer queue); nil when it committed.
    private func write(_ changes: [SQLiteChange]) -> BrokerError? {
        guard !changes.isEmpty else { return nil }
        do throws(SQLiteStoreError) {
            try writer.begin()
            let folding = SQLiteFolding(changes)
            for (index, change) in changes.enumerated() {
                switch change {
                case .topic(let spec): try writer.declare(spec)
                case .group(let group, let topic, let starts):
                    try writer.declare(group: group, on: topic, starts: starts)
                case .record(let record, let topic): try writer.insert(record, into: topic)
                case .acks(_, let topic, let group, _):
                    guard let folded = folding.acks[index] else { continue }
                    try writer.ack(folded.positions, of: topic, group: group, committed: folded.committed)
                case .drop(let topic, let partition, _, _):
                    guard let folded = folding.drops[index] else { continue }
                    try writer.drop(in: topic, partition: partition, below: folded.below, evicted: folded.evicted)
                case .checkpoint(let producer, let checkpoint):
                    guard folding.checkpoints.contains(index) else { continue }
                    try writer.store(checkpoint, of: producer)
                case .retry(let position, let topic, let group, let state):
                    try writer.store(state, of: position, in: topic, group: group)
                case .begun(let position, let topic, let group, let count):
                    try writer.store(begun: count, of: position, in: topic, group: group)
                case .clean:
                    try writer.markClean()
                }
            }
            try writer.commit()
            return nil
        } catch {
            writer.rollback()
            return .unavailable(error.description)
        }
    }
}
