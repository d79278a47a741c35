import FlowCore
import Foundation
import Testing

@testable import FlowRuntime

extension StepHandlerTests {
    /// One worker per slot, and one worker holding every request of eight slots (pipelined): either way only
    /// the event that makes its worker write garbage is dead-lettered, however its neighbours were placed.
    @Test(arguments: [(2, nil, 3), (8, 1, 12)] as [(Int, Int?, Int)])
    func underTheRunnerAWorkerWritingGarbageEndsInTheDeadLetterTopicWithTheMessage(
        concurrency: Int,
        workers: Int?,
        count: Int
    ) async throws {
        let body = """
            if e['data'].get('bad'):
                print('Traceback (most recent call last):', flush=True)
                continue
            reply({'id': i, 'status': 'ok'})
            """
        let pipeline = try StepHarness.load(
            consumer: Self.worker(
                body,
                options: workers.map { "workers: \($0)" } ?? "",
                consumer: """
                    concurrency: \(concurrency)
                    retry: { max_attempts: 2, backoff: constant, initial: 1s }
                    dead_letter: audit
                    """
            ),
            topics: StepHarness.topics
        )
        let rig = try await RunnerRig.start(pipeline, handlerSeed: 1)
        let (scheduler, broker, handler, runner) = (rig.scheduler, rig.broker, rig.handler, rig.runner)
        let events = (0..<count).map { order("e\($0)", data: $0 == 1 ? ["bad": true] : ["n": .int($0)]) }
        broker.publish(events.map { OutgoingRecord(key: nil, event: $0) }, to: "orders")

        // Worker I/O happens in real time, retries in virtual time: advance while polling, for at most 10 s.
        let limit = Date().addingTimeInterval(10)
        while runner.stats.processed + runner.stats.deadLettered < count, Date() < limit {
            scheduler.advance(by: .milliseconds(100))
            usleep(5000)
        }
        let stats = runner.stats
        #expect(stats.processed == count - 1)
        #expect(stats.deadLettered == 1)
        let dead = try await broker.records(of: "audit")
        #expect(dead.map(\.event.id) == ["e1"])
        #expect(
            dead.first?.event.extensions["flowerror"] == "worker wrote invalid JSON: Traceback (most recent call last):"
        )
        #expect(dead.first?.event.extensions["flowattempts"] == 2)
        await handler.close()
    }
}
