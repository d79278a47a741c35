import Dispatch
import Foundation
import Synchronization
import Testing

@testable import FlowRuntime

struct ManualSchedulerTests {
    @Test func dueWorkRunsInDeadlineOrderWithTiesInSchedulingOrder() {
        let scheduler = ManualScheduler()
        let queue = DispatchQueue(label: "test")
        let log = Mutex<[String]>([])
        scheduler.schedule(after: .milliseconds(30), on: queue) { log.withLock { $0.append("c@30") } }
        scheduler.schedule(after: .milliseconds(10), on: queue) { log.withLock { $0.append("a@10") } }
        scheduler.schedule(after: .milliseconds(10), on: queue) { log.withLock { $0.append("b@10") } }
        scheduler.schedule(after: .milliseconds(50), on: queue) { log.withLock { $0.append("d@50") } }
        scheduler.advance(by: .milliseconds(30))
        #expect(log.withLock { $0 } == ["a@10", "b@10", "c@30"])
        #expect(scheduler.now == .milliseconds(30))
        #expect(scheduler.pendingCount == 1)
    }

    @Test func workSeesItsOwnDeadlineAsNow() {
        let scheduler = ManualScheduler()
        let queue = DispatchQueue(label: "test")
        let seen = Mutex<[Duration]>([])
        for ms in [5, 15] {
            scheduler.schedule(after: .milliseconds(ms), on: queue) { seen.withLock { $0.append(scheduler.now) } }
        }
        scheduler.advance(by: .seconds(1))
        #expect(seen.withLock { $0 } == [.milliseconds(5), .milliseconds(15)])
    }

    @Test func workScheduledByDueWorkRunsWithinTheSameAdvance() {
        let scheduler = ManualScheduler()
        let queue = DispatchQueue(label: "test")
        let times = Mutex<[Duration]>([])
        scheduler.schedule(after: .milliseconds(100), on: queue) {
            times.withLock { $0.append(scheduler.now) }
            scheduler.schedule(after: .milliseconds(200), on: queue) { times.withLock { $0.append(scheduler.now) } }
        }
        scheduler.advance(by: .milliseconds(300))
        #expect(times.withLock { $0 } == [.milliseconds(100), .milliseconds(300)])
    }

    @Test func advanceLeavesChainedHopsFinished() {
        let scheduler = ManualScheduler()
        let first = DispatchQueue(label: "first")
        let second = DispatchQueue(label: "second")
        let hops = Mutex(0)
        scheduler.execute(on: first) {
            hops.withLock { $0 += 1 }
            scheduler.execute(on: second) {
                hops.withLock { $0 += 1 }
                scheduler.execute(on: first) { hops.withLock { $0 += 1 } }
            }
        }
        scheduler.settle()
        #expect(hops.withLock { $0 } == 3)
    }

    @Test func cancelledWorkNeverRuns() {
        let scheduler = ManualScheduler()
        let queue = DispatchQueue(label: "test")
        let ran = Mutex(false)
        let work = scheduler.schedule(after: .seconds(1), on: queue) { ran.withLock { $0 = true } }
        work.cancel()
        scheduler.advance(by: .seconds(2))
        #expect(ran.withLock { $0 } == false)
        #expect(scheduler.pendingCount == 0)
    }

    @Test func wallClockFollowsVirtualTime() {
        let scheduler = ManualScheduler(epoch: Date(timeIntervalSince1970: 0))
        scheduler.advance(by: .milliseconds(1500))
        #expect(scheduler.wallClock == Date(timeIntervalSince1970: 1.5))
    }
}
