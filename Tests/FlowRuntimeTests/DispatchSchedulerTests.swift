import Dispatch
import Synchronization
import Testing

@testable import FlowRuntime

struct DispatchSchedulerTests {
    @Test func dueWorkRunsOnItsQueueAndTimeMovesForward() {
        let scheduler = DispatchScheduler()
        let queue = DispatchQueue(label: "test")
        let key = DispatchSpecificKey<Bool>()
        queue.setSpecific(key: key, value: true)
        let done = DispatchSemaphore(value: 0)
        let onQueue = Mutex(false)
        let before = scheduler.now
        scheduler.schedule(after: .zero, on: queue) {
            onQueue.withLock { $0 = DispatchQueue.getSpecific(key: key) == true }
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(onQueue.withLock { $0 })
        #expect(scheduler.now >= before)
    }

    @Test func cancelledWorkDoesNotRun() {
        let scheduler = DispatchScheduler()
        let queue = DispatchQueue(label: "test")
        let ran = Mutex(false)
        queue.suspend()
        let work = scheduler.schedule(after: .zero, on: queue) { ran.withLock { $0 = true } }
        work.cancel()
        queue.resume()
        queue.sync {}
        #expect(work.isCancelled)
        #expect(ran.withLock { $0 } == false)
    }

    @Test func delaysConvertToWholeNanoseconds() {
        #expect(DispatchScheduler.interval(.milliseconds(250)) == .nanoseconds(250_000_000))
        #expect(DispatchScheduler.interval(.seconds(-1)) == .nanoseconds(0))
    }
}
