import FlowCore
import Testing

@testable import FlowRuntime

struct BackoffTests {
    struct Timeline: Sendable, CustomTestStringConvertible {
        var backoff: RetryPolicy.Backoff
        var jitter: RetryPolicy.Jitter
        /// Delays after failed attempts 1...5, in microseconds, under seed 42.
        var micros: [Int64]

        var testDescription: String { "\(backoff) × \(jitter)" }
    }

    /// Goldens computed independently (SplitMix64 re-implemented outside Swift) for initial 100ms, max 1s,
    /// multiplier 2, seed 42: any change to the draw or the formula shows up here.
    static let timelines: [Timeline] = [
        Timeline(backoff: .constant, jitter: .none, micros: [100_000, 100_000, 100_000, 100_000, 100_000]),
        Timeline(backoff: .linear, jitter: .none, micros: [100_000, 200_000, 300_000, 400_000, 500_000]),
        Timeline(backoff: .exponential, jitter: .none, micros: [100_000, 200_000, 400_000, 800_000, 1_000_000]),
        Timeline(backoff: .constant, jitter: .full, micros: [79935, 50682, 2466, 66639, 54408]),
        Timeline(backoff: .linear, jitter: .full, micros: [79935, 176_941, 238_612, 387_508, 197_092]),
        Timeline(backoff: .exponential, jitter: .full, micros: [79935, 176_941, 313_145, 201_051, 878_641]),
        Timeline(backoff: .constant, jitter: .equal, micros: [93888, 56592, 66989, 79031, 97914]),
        Timeline(backoff: .linear, jitter: .equal, micros: [93888, 150_682, 168_528, 283_631, 293_162]),
        Timeline(backoff: .exponential, jitter: .equal, micros: [93888, 150_682, 302_996, 787_508, 697_092]),
    ]

    @Test(arguments: timelines)
    func seededTimelineIsExact(_ timeline: Timeline) {
        let policy = RetryPolicy(
            maxAttempts: 6,
            backoff: timeline.backoff,
            initial: .milliseconds(100),
            max: .seconds(1),
            multiplier: 2,
            jitter: timeline.jitter
        )
        var random = SeededRandom(seed: 42)
        let delays = (1...5).map { Backoff.delay(for: policy, afterFailedAttempt: $0, random: &random) }
        #expect(delays == timeline.micros.map { Duration.microseconds($0) })
    }

    @Test func exponentialBackoffIsCappedAtMax() {
        let policy = RetryPolicy(maxAttempts: 100, initial: .milliseconds(100), max: .seconds(10), multiplier: 3)
        var random = SeededRandom(seed: 1)
        #expect(Backoff.delay(for: policy, afterFailedAttempt: 4, random: &random) == .milliseconds(2700))
        #expect(Backoff.delay(for: policy, afterFailedAttempt: 5, random: &random) == .milliseconds(8100))
        #expect(Backoff.delay(for: policy, afterFailedAttempt: 6, random: &random) == .seconds(10))
        #expect(Backoff.delay(for: policy, afterFailedAttempt: 90, random: &random) == .seconds(10))
    }

    @Test(arguments: RetryPolicy.Jitter.allCases)
    func jitteredDelayStaysWithinItsBounds(_ jitter: RetryPolicy.Jitter) {
        let policy = RetryPolicy(maxAttempts: 10, initial: .milliseconds(50), max: .seconds(2), jitter: jitter)
        var random = SeededRandom(seed: 7)
        for attempt in 1...9 {
            let base = policy.baseDelay(afterFailedAttempt: attempt)
            let delay = Backoff.delay(for: policy, afterFailedAttempt: attempt, random: &random)
            let lower: Duration = jitter == .equal ? base / 2 : (jitter == .full ? .zero : base)
            #expect(delay >= lower && delay <= base)
        }
    }

    @Test func fractionalMultiplierRoundsToWholeMicroseconds() {
        let policy = RetryPolicy(maxAttempts: 5, initial: .milliseconds(100), max: .seconds(10), multiplier: 1.5)
        var random = SeededRandom(seed: 0)
        #expect(Backoff.delay(for: policy, afterFailedAttempt: 3, random: &random) == .milliseconds(225))
    }
}
