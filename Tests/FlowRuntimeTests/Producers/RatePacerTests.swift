import FlowCore
import Testing

@testable import FlowRuntime

struct RatePacerTests {
    @Test(arguments: [
        Rate(count: 3, per: .seconds(1)), Rate(count: 100, per: .seconds(1)), Rate(count: 7, per: .milliseconds(10)),
    ])
    func noEventIsDueBeforeItsTime(rate: Rate) {
        let pacer = RatePacer(rate)
        for n in 1...1000 {
            let due = pacer.dueTime(of: n)
            #expect(pacer.dueCount(after: due) >= n)
            if due > .zero { #expect(pacer.dueCount(after: due - .init(attoseconds: 1)) < n) }
        }
    }

    @Test func eventNIsDueAfterNMinusOneIntervals() {
        let pacer = RatePacer(Rate(count: 100, per: .seconds(1)))
        #expect(pacer.dueTime(of: 1) == .zero)
        #expect(pacer.dueTime(of: 101) == .seconds(1))
        #expect(pacer.dueCount(after: .zero) == 1)
        #expect(pacer.dueCount(after: .milliseconds(999)) == 100)
        #expect(pacer.dueCount(after: .seconds(1)) == 101)
    }

    @Test func wakeUpsAreAtLeastOneTickApart() {
        let pacer = RatePacer(Rate(count: 100_000, per: .seconds(1)))
        #expect(pacer.wakeUp(for: 2, after: .zero) == RatePacer.tick)
        let slow = RatePacer(Rate(count: 1, per: .seconds(5)))
        #expect(slow.wakeUp(for: 2, after: .seconds(1)) == .seconds(4))
    }
}
