import Dispatch
import FlowCore
import Synchronization
import Testing

@testable import FlowRuntime

/// A subscription of a backend that hands records from process to process: it keeps each `beginning` call
/// waiting until the test lets it through, and records what the runner commits.
private final class MarkingSubscription: BrokerSubscription {
    let scheduler: ManualScheduler
    let begun = Mutex<[(position: RecordPosition, start: @Sendable () -> Void)]>([])
    let steps = Mutex<[CommitStep]>([])

    init(scheduler: ManualScheduler) { self.scheduler = scheduler }

    var lease: Lease { .renewable(.seconds(10)) }
    func ack(_ positions: [RecordPosition]) {
        steps.withLock { $0 += positions.map { CommitStep(batches: [], ack: $0) } }
    }
    func commit(
        _ steps: [CommitStep],
        queue: DispatchQueue,
        completion: @escaping @Sendable (Range<Int>, Result<Void, BrokerError>) -> Void
    ) {
        self.steps.withLock { $0 += steps }
        queue.async { completion(0..<steps.count, .success(())) }
    }
    func retrying(_ position: RecordPosition, _ state: RetryState) {}
    func beginning(_ position: RecordPosition, queue: DispatchQueue, then start: @escaping @Sendable () -> Void) {
        begun.withLock { $0.append((position, { self.scheduler.execute(on: queue, start) })) }
    }
    func renew(_ positions: [RecordPosition]) {}
    func close(completion: @escaping @Sendable () -> Void) { completion() }

    /// Lets the oldest waiting attempt start.
    func markStored() {
        let next = begun.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        next?.start()
    }
}

extension ConsumerRunnerTests {
    private static func takenOver(_ id: String, abandoned: Int, limit: Int) -> BrokerRecord {
        BrokerRecord(
            position: RecordPosition(partition: 0, offset: 0),
            key: nil,
            event: CloudEvent(id: id, source: "tests", type: "Test"),
            abandoned: AbandonedAttempts(count: abandoned, limit: limit)
        )
    }

    private static func harness(
        maxAttempts: Int,
        timeout: Duration? = nil,
        script: @escaping @Sendable (HandlerInput) -> ScriptedHandler.Reply
    ) async throws -> (RunnerHarness, MarkingSubscription) {
        let retry = RetryPolicy(maxAttempts: maxAttempts, backoff: .constant, initial: .seconds(1))
        let configuration = ConsumerConfiguration(
            name: "c",
            topic: "orders",
            group: "g",
            timeout: timeout,
            retry: retry,
            deadLetter: "orders.dlq"
        )
        let h = try await RunnerHarness.make(configuration, script: script)
        let subscription = MarkingSubscription(scheduler: h.scheduler)
        h.scheduler.execute(on: h.runner.queue) { h.runner.subscription = subscription }
        h.scheduler.settle()
        return (h, subscription)
    }

    @Test func eachAttemptOfATakenOverRecordStartsOnlyOnceItIsMarkedBegun() async throws {
        let (h, subscription) = try await Self.harness(maxAttempts: 2) { input in
            input.attempt == 1 ? .result(.failure(message: "flaky")) : .result(.success())
        }
        let record = Self.takenOver("e0", abandoned: 1, limit: 2)
        h.scheduler.execute(on: h.runner.queue) { h.runner.receive([record]) }
        h.scheduler.settle()
        #expect(h.handler.calls.isEmpty, "not before its mark is stored")
        #expect(subscription.begun.withLock { $0.map(\.position) } == [record.position])

        subscription.markStored()
        h.scheduler.settle()
        #expect(h.handler.callDescriptions == ["e0#1@0ms"])
        // The failed attempt concluded: the next one is marked too, and the count it came with is not checked
        // again (its marks were dropped with the retry state).
        h.advance(by: .seconds(1))
        #expect(h.handler.callDescriptions == ["e0#1@0ms"])
        subscription.markStored()
        h.scheduler.settle()
        #expect(h.handler.callDescriptions == ["e0#1@0ms", "e0#2@1000ms"])
        #expect(h.stats.processed == 1)
        #expect(h.stats.deadLettered == 0)
    }

    @Test func aRecordTakenOverWithAsManyAbandonedAttemptsAsTheLimitIsDeadLetteredWithoutAnother() async throws {
        let (h, subscription) = try await Self.harness(maxAttempts: 1) { _ in .result(.success()) }
        let record = Self.takenOver("e0", abandoned: 3, limit: 3)
        h.scheduler.execute(on: h.runner.queue) { h.runner.receive([record]) }
        h.scheduler.settle()
        #expect(h.handler.calls.isEmpty)
        #expect(subscription.begun.withLock { $0.isEmpty })
        #expect(h.stats.deadLettered == 1)
        let step = try #require(subscription.steps.withLock { $0.first })
        #expect(step.ack == record.position)
        let envelope = try #require(step.batches.first?.records.first?.event)
        #expect(step.batches.map(\.topic) == ["orders.dlq"])
        #expect(envelope.extensions["flowattempts"] == .int(0))
        let error = "3 attempts began and never finished (each process handling it ended or lost its partition"
        #expect(envelope.extensions["flowerror"]?.stringValue?.hasPrefix(error) == true, "\(envelope)")
    }

    @Test func waitingForTheMarkCostsNoAttemptEvenPastTheTimeout() async throws {
        let (h, subscription) = try await Self.harness(maxAttempts: 1, timeout: .seconds(1)) { _ in
            .result(.success())
        }
        let record = Self.takenOver("e0", abandoned: 0, limit: 2)
        h.scheduler.execute(on: h.runner.queue) { h.runner.receive([record]) }
        h.advance(by: .seconds(5))
        #expect(h.handler.calls.isEmpty)
        #expect(h.stats.deadLettered == 0, "the attempt's clock starts with the handler, not with the mark")
        subscription.markStored()
        h.scheduler.settle()
        #expect(h.handler.callDescriptions == ["e0#1@5000ms"])
        #expect(h.stats.processed == 1)
    }
}
