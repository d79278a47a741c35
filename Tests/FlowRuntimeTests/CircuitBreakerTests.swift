import FlowCore
import Testing

@testable import FlowRuntime

struct CircuitBreakerTests {
    let policy = CircuitBreakerPolicy(failures: 3, openFor: .seconds(30))

    @Test func opensAfterConsecutiveFailures() {
        var breaker = CircuitBreaker(policy: policy)
        #expect(breaker.record(.failure, probe: false, now: .seconds(1)) == nil)
        #expect(breaker.record(.failure, probe: false, now: .seconds(2)) == nil)
        #expect(breaker.state == .closed(consecutiveFailures: 2))
        #expect(breaker.record(.failure, probe: false, now: .seconds(3)) == .opened(until: .seconds(33)))
        #expect(breaker.acquire(now: .seconds(10)).permit == .denied(until: .seconds(33)))
    }

    @Test func successResetsTheCount() {
        var breaker = CircuitBreaker(policy: policy)
        _ = breaker.record(.failure, probe: false, now: .zero)
        _ = breaker.record(.failure, probe: false, now: .zero)
        _ = breaker.record(.success, probe: false, now: .zero)
        _ = breaker.record(.failure, probe: false, now: .zero)
        #expect(breaker.state == .closed(consecutiveFailures: 1))
    }

    @Test func permanentFailuresNeitherCountNorReset() {
        var breaker = CircuitBreaker(policy: policy)
        _ = breaker.record(.failure, probe: false, now: .zero)
        _ = breaker.record(.neutral, probe: false, now: .zero)
        #expect(breaker.state == .closed(consecutiveFailures: 1))
    }

    @Test func halfOpenLetsExactlyOneProbeThrough() {
        var breaker = CircuitBreaker(policy: CircuitBreakerPolicy(failures: 1, openFor: .seconds(5)))
        _ = breaker.record(.failure, probe: false, now: .zero)
        let first = breaker.acquire(now: .seconds(5))
        #expect(first.permit == .probe)
        #expect(first.transition == .halfOpened)
        #expect(breaker.acquire(now: .seconds(6)).permit == .denied(until: nil))
        #expect(breaker.record(.success, probe: true, now: .seconds(7)) == .closed)
        #expect(breaker.acquire(now: .seconds(7)).permit == .granted)
    }

    @Test func failedProbeReopens() {
        var breaker = CircuitBreaker(policy: CircuitBreakerPolicy(failures: 1, openFor: .seconds(5)))
        _ = breaker.record(.failure, probe: false, now: .zero)
        _ = breaker.acquire(now: .seconds(5))
        #expect(breaker.record(.failure, probe: true, now: .seconds(6)) == .opened(until: .seconds(11)))
        #expect(breaker.acquire(now: .seconds(10)).permit == .denied(until: .seconds(11)))
    }

    @Test func stragglersChangeNothingWhileOpenOrHalfOpen() {
        var breaker = CircuitBreaker(policy: CircuitBreakerPolicy(failures: 1, openFor: .seconds(5)))
        _ = breaker.record(.failure, probe: false, now: .zero)
        #expect(breaker.record(.success, probe: false, now: .seconds(1)) == nil)
        #expect(breaker.state == .open(until: .seconds(5)))
        _ = breaker.acquire(now: .seconds(5))
        #expect(breaker.record(.failure, probe: false, now: .seconds(6)) == nil)
        #expect(breaker.state == .halfOpen(probeInFlight: true))
    }

    @Test func neutralProbeGivesItsPlaceToTheNextAttempt() {
        var breaker = CircuitBreaker(policy: CircuitBreakerPolicy(failures: 1, openFor: .seconds(5)))
        _ = breaker.record(.failure, probe: false, now: .zero)
        _ = breaker.acquire(now: .seconds(5))
        #expect(breaker.record(.neutral, probe: true, now: .seconds(6)) == nil)
        #expect(breaker.acquire(now: .seconds(6)).permit == .probe)
    }
}
