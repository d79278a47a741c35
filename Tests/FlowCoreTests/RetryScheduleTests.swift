import FlowCore
import Testing

struct RetryScheduleTests {
    /// The policy of `pipelines/retry-and-dlq.yml`: exponential from 10ms, capped at 200ms, 4 attempts.
    static let payments = RetryPolicy(
        maxAttempts: 4,
        backoff: .exponential,
        initial: .milliseconds(10),
        max: .milliseconds(200),
        jitter: .full
    )

    @Test func exponentialBoundsAreExact() {
        let schedule = RetrySchedule(policy: Self.payments, timeout: .seconds(1))
        #expect(schedule.maxBackoff == .milliseconds(70))
        #expect(schedule.minBackoff == .zero)
        #expect(schedule.worstCase == .milliseconds(4070))
        #expect(schedule.attempts.map(\.earliestStart) == [.zero, .zero, .zero, .zero])
        #expect(
            schedule.attempts.map(\.latestStart)
                == [.zero, .milliseconds(1010), .milliseconds(2030), .milliseconds(3070)]
        )
    }

    @Test func fullJitterCanRetryAtOnceAndEqualJitterWaitsHalf() {
        var policy = Self.payments
        #expect(policy.delayBounds(afterFailedAttempt: 3) == .zero...(.milliseconds(40)))
        policy.jitter = .equal
        #expect(policy.delayBounds(afterFailedAttempt: 3) == .milliseconds(20)...(.milliseconds(40)))
        #expect(RetrySchedule(policy: policy, timeout: nil).minBackoff == .milliseconds(35))
        policy.jitter = .none
        let schedule = RetrySchedule(policy: policy, timeout: nil)
        #expect(schedule.minBackoff == schedule.maxBackoff)
        #expect(
            schedule.attempts.map(\.earliestStart) == [.zero, .milliseconds(10), .milliseconds(30), .milliseconds(70)]
        )
    }

    @Test func withoutATimeoutOnlyTheBackoffIsKnown() {
        let schedule = RetrySchedule(policy: Self.payments, timeout: nil)
        #expect(schedule.worstCase == nil)
        #expect(schedule.attempts.dropFirst().allSatisfy { $0.latestStart == nil })
        #expect(schedule.attempts.first?.latestStart == .zero)
    }

    @Test func cappedWaitsAddUpWithoutWalkingEveryAttempt() {
        let capped = RetryPolicy(maxAttempts: 100, initial: .milliseconds(100), max: .seconds(1))
        #expect(RetrySchedule(policy: capped, timeout: nil).maxBackoff == .milliseconds(96_500))
        let many = RetryPolicy(maxAttempts: 1_000_000, backoff: .constant, initial: .milliseconds(5))
        #expect(RetrySchedule(policy: many, timeout: .milliseconds(1)).worstCase == .milliseconds(5_999_995))
    }

    @Test func linearGrowsByInitialAndOneAttemptWaitsNothing() {
        let linear = RetryPolicy(maxAttempts: 3, backoff: .linear, initial: .seconds(1))
        #expect(RetrySchedule(policy: linear, timeout: .seconds(5)).worstCase == .seconds(18))
        #expect(RetrySchedule(policy: .none, timeout: .seconds(5)).worstCase == .seconds(5))
        #expect(RetrySchedule(policy: .none, timeout: nil).attempts.count == 1)
    }

    @Test func theScheduleAgreesWithTheBaseDelays() {
        let policy = RetryPolicy(maxAttempts: 8, initial: .milliseconds(30), max: .seconds(2), multiplier: 1.5)
        let sum = (1..<8).map { policy.baseDelay(afterFailedAttempt: $0) }.reduce(Duration.zero, +)
        #expect(RetrySchedule(policy: policy, timeout: nil).maxBackoff == sum)
    }
}
