import FlowCore
import Foundation
import Testing

@testable import FlowRuntime

struct HTTPStepOutcomeTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600)

    static func outcome(_ status: Int, _ body: String = "", retryAfter: String? = nil) -> HTTPStepOutcome {
        HTTPStepOutcome(
            .response(status: status, retryAfter: retryAfter, body: Array(body.utf8), truncated: false),
            url: "http://svc/x",
            now: now
        )
    }

    @Test(arguments: [408, 429, 500, 502, 503, 599])
    func throttlingAndServerErrorsAreRetryable(status: Int) {
        #expect(
            Self.outcome(status, "busy")
                == .failure(message: "HTTP \(status) from http://svc/x: busy", permanent: false, retryAfter: nil)
        )
    }

    @Test(arguments: [400, 401, 403, 404, 409, 422, 302])
    func otherStatusesArePermanent(status: Int) {
        #expect(
            Self.outcome(status)
                == .failure(message: "HTTP \(status) from http://svc/x", permanent: true, retryAfter: nil)
        )
    }

    @Test func successBodiesDecideWhatHappensToTheEvent() {
        #expect(Self.outcome(200, #"{"a": 1}"#) == .replaceData(["a": 1]))
        #expect(Self.outcome(204) == .unchanged)
        #expect(Self.outcome(200, "accepted") == .unchanged)
        #expect(Self.outcome(201, "42") == .unchanged)
        #expect(Self.outcome(200, #"[{"to": "audit"}]"#) == .emit([ExecOutcome.Emission(topic: "audit")]))
        #expect(
            Self.outcome(200, #"[{"type": "X"}]"#)
                == .failure(message: "response item 1 has no \"to\" topic", permanent: true, retryAfter: nil)
        )
    }

    @Test func anOversizedSuccessBodyIsAPermanentFailure() {
        let outcome = HTTPStepOutcome(
            .response(status: 200, retryAfter: nil, body: [], truncated: true),
            url: "http://svc/x",
            now: Self.now
        )
        #expect(
            outcome
                == .failure(message: "HTTP 200 from http://svc/x: body exceeds 1 MiB", permanent: true, retryAfter: nil)
        )
    }

    @Test func noReplyIsRetryable() {
        let outcome = HTTPStepOutcome(.failed("connection refused"), url: "http://svc/x", now: Self.now)
        #expect(
            outcome
                == .failure(
                    message: "HTTP request to http://svc/x failed: connection refused",
                    permanent: false,
                    retryAfter: nil
                )
        )
    }

    @Test func retryAfterIsReadFromTheReply() {
        #expect(
            Self.outcome(429, retryAfter: "3")
                == .failure(message: "HTTP 429 from http://svc/x", permanent: false, retryAfter: .seconds(3))
        )
    }
}

struct RetryAfterTests {
    static let now = Date(timeIntervalSince1970: 1_767_225_600)  // Thu, 01 Jan 2026 00:00:00 GMT

    @Test func secondsAreTakenAsTheyAre() {
        #expect(RetryAfter.delay("120", now: Self.now) == .seconds(120))
        #expect(RetryAfter.delay(" 0 ", now: Self.now) == .seconds(0))
    }

    @Test func anHTTPDateIsTheWaitUntilThen() {
        #expect(RetryAfter.delay("Thu, 01 Jan 2026 00:00:30 GMT", now: Self.now) == .seconds(30))
        #expect(RetryAfter.delay("Wed, 31 Dec 2025 23:59:00 GMT", now: Self.now) == .zero)
    }

    @Test(arguments: ["", "soon", "-5", "1.5", "2026-01-01T00:00:30Z"])
    func anythingElseIsIgnored(text: String) {
        #expect(RetryAfter.delay(text, now: Self.now) == nil)
    }
}

struct HTTPStepRequestTests {
    @Test func theStepsHeadersReplaceBuiltInOnesOfTheSameName() {
        let event = CloudEvent(id: "e1", source: "s", type: "T", data: ["a": 1], extensions: ["n": 3])
        let request = HTTPStepRequest(
            event: event,
            mode: .binary,
            url: "http://svc/x",
            displayURL: "http://svc/x",
            headers: [("content-type", "application/vnd.orders+json")]
        )
        #expect(
            request.headers.filter { $0.name.lowercased() == "content-type" }.map(\.value) == [
                "application/vnd.orders+json"
            ]
        )
        #expect(request.headers.contains { $0 == ("ce-n", "3") })
        #expect(request.body == Array(#"{"a":1}"#.utf8))
    }
}

struct DeliveryDeciderRetryAfterTests {
    static let decider = DeliveryDecider(
        retry: RetryPolicy(maxAttempts: 3, backoff: .constant, initial: .seconds(1), max: .seconds(10)),
        hasDeadLetter: true
    )

    static func decide(retryAfter: Duration?) -> DeliveryDecision {
        var random = SeededRandom(seed: 1)
        return decider.decide(
            .failure(message: "HTTP 503", permanent: false),
            attempt: 1,
            breaker: nil,
            now: .zero,
            random: &random,
            retryAfter: retryAfter
        )
    }

    @Test func theLongerOfBackoffAndRetryAfterWinsCappedAtMax() {
        #expect(Self.decide(retryAfter: nil) == .retry(after: .seconds(1)))
        #expect(Self.decide(retryAfter: .milliseconds(200)) == .retry(after: .seconds(1)))
        #expect(Self.decide(retryAfter: .seconds(4)) == .retry(after: .seconds(4)))
        #expect(Self.decide(retryAfter: .seconds(60)) == .retry(after: .seconds(10)))
    }
}
