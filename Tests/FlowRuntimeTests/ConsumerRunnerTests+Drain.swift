import FlowCore
import Synchronization
import Testing

@testable import FlowRuntime

extension ConsumerRunnerTests {
    @Test func concurrencyBoundIsNeverExceeded() async throws {
        let configuration = ConsumerConfiguration(name: "c", topic: "orders", concurrency: 3)
        let h = try await RunnerHarness.make(configuration) { _ in .hold }
        h.publish(keys: Array(repeating: nil, count: 20))
        #expect(h.handler.held.count == 3)
        #expect(h.stats.inFlight == 3)
        while let next = h.handler.held.first {
            let id = String(next.prefix { $0 != "#" })
            h.complete(id)
            #expect(h.handler.held.count <= 3)
        }
        #expect(h.handler.maxHeld == 3)
        #expect(h.stats.processed == 20)
    }

    @Test func drainFinishesWhenInFlightWorkIsDone() async throws {
        let configuration = ConsumerConfiguration(name: "c", topic: "orders", concurrency: 2)
        let h = try await RunnerHarness.make(configuration) { _ in .hold }
        h.publish(keys: [nil, nil, nil])
        let outcome = Mutex<DrainOutcome?>(nil)
        h.runner.drain(grace: .seconds(5)) { result in outcome.withLock { $0 = result } }
        h.scheduler.settle()
        h.complete("e0")
        #expect(outcome.withLock { $0 } == nil)
        h.complete("e1")
        #expect(outcome.withLock { $0 } == .finished)
        #expect(h.handler.calls.map(\.id) == ["e0", "e1"])
        #expect(try await h.committed() == [2])
    }

    @Test func drainGivesUpWhenTheGraceElapses() async throws {
        let h = try await RunnerHarness.make { _ in .hold }
        h.publish(keys: [nil])
        let outcome = Mutex<DrainOutcome?>(nil)
        h.runner.drain(grace: .seconds(5)) { result in outcome.withLock { $0 = result } }
        h.advance(by: .milliseconds(4999))
        #expect(outcome.withLock { $0 } == nil)
        h.advance(by: .milliseconds(1))
        #expect(outcome.withLock { $0 } == .graceElapsed(unfinished: 1))
        h.complete("e0")
        #expect(h.stats.processed == 0)
        #expect(try await h.committed() == [0])
    }

    @Test func drainLetsADueRetryFinishWithinTheGrace() async throws {
        let retry = RetryPolicy(maxAttempts: 3, backoff: .constant, initial: .seconds(1))
        let h = try await RunnerHarness.make(ConsumerConfiguration(name: "c", topic: "orders", retry: retry)) { input in
            input.attempt == 1 ? .result(.failure(message: "flaky")) : .result(.success())
        }
        h.publish(keys: [nil])
        let outcome = Mutex<DrainOutcome?>(nil)
        h.runner.drain(grace: .seconds(5)) { result in outcome.withLock { $0 = result } }
        h.advance(by: .seconds(1))
        #expect(outcome.withLock { $0 } == .finished)
        #expect(h.stats.processed == 1)
    }

    /// A drain that ends before `start()` has joined (a run stopped during start-up) must not leave the member
    /// in the group: records handed to it would wait for a runner that stopped, and no other member would get
    /// them.
    @Test func aRunnerDrainedBeforeItJoinedLeavesTheGroupOnceItHasJoined() async throws {
        let scheduler = ManualScheduler()
        let broker = MemoryBroker(scheduler: scheduler)
        try await broker.declare(TopicSpec(name: "orders"))
        try await broker.declareGroup("g", on: "orders")
        func runner(_ member: String, _ handler: ScriptedHandler) -> ConsumerRunner {
            ConsumerRunner(
                configuration: ConsumerConfiguration(name: "c", topic: "orders", group: "g", member: member),
                broker: broker,
                scheduler: scheduler,
                logger: LogCapture().logger(),
                random: SeededRandom(seed: 1),
                handler: handler
            )
        }
        let stopped = runner("m1", ScriptedHandler(scheduler: scheduler) { _ in .result(.success()) })
        let outcome = Mutex<DrainOutcome?>(nil)
        stopped.drain(grace: .seconds(5)) { result in outcome.withLock { $0 = result } }
        scheduler.settle()
        #expect(outcome.withLock { $0 } == .finished)
        try await stopped.start()
        scheduler.settle()

        let handler = ScriptedHandler(scheduler: scheduler) { _ in .result(.success()) }
        let running = runner("m2", handler)
        try await running.start()
        scheduler.settle()
        _ = broker.publish(records("e", keys: [nil, nil, nil]), to: "orders")
        scheduler.settle()
        #expect(handler.calls.map(\.id) == ["e0", "e1", "e2"])
    }
}
