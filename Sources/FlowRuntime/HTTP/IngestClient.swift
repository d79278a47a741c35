import FlowCore
import Foundation

/// Sends events to an `http` producer, or to any CloudEvents HTTP endpoint (`flow publish`): structured mode,
/// one POST per event over a keep-alive pool.
///
/// Invariants: an event is `accepted` only on a 2xx answer; 408, 429 and 5xx (the endpoint is full or busy,
/// nothing was stored) are sent again after their `Retry-After` (1 s without one, at most `maxWait`), at
/// most `retries` times; any other answer is `rejected` with its status and body, never sent again; a
/// transport error (refused, reset, timed out) is `failed`.
public struct IngestClient: Sendable {
    /// What became of one event.
    public enum Outcome: Sendable, Equatable {
        /// Stored by the endpoint, after `retried` refusals.
        case accepted(retried: Int)
        /// Refused for good (a 4xx other than 408 and 429): `HTTP 400 from <url>: <body>`.
        case rejected(String)
        /// Not delivered: a transport error, or still refused after every retry.
        case failed(String)
    }

    let url: String
    let client: HTTPStepClient
    let retries: Int
    let maxWait: Duration
    let sleep: @Sendable (Duration) async -> Void

    /// A client for `url`; `sleep` waits between retries (real time by default).
    public init(
        url: String,
        retries: Int = 5,
        maxWait: Duration = .seconds(5),
        sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }
    ) {
        self.url = url
        self.client = HTTPStepClient(connectionsPerHost: 4)
        self.retries = retries
        self.maxWait = maxWait
        self.sleep = sleep
    }

    /// POSTs `event` until it is accepted, rejected or out of retries; each POST gives up after `timeout`.
    public func send(_ event: CloudEvent, timeout: Duration = .seconds(10)) async -> Outcome {
        let request = HTTPStepRequest(event: event, mode: .structured, url: url, displayURL: url, headers: [])
        var attempt = 0
        while true {
            switch await client.post(request, timeout: timeout) {
            case .failed(let problem):
                return .failed("POST \(url) failed: \(problem)")
            case .response(let status, let retryAfter, let body, _):
                switch status {
                case 200...299:
                    return .accepted(retried: attempt)
                case 408, 429, 500...599:
                    guard attempt < retries else {
                        return .failed(HTTPStepOutcome.message(status, url, body) + " (after \(retries) retries)")
                    }
                    attempt += 1
                    let asked = retryAfter.flatMap { RetryAfter.delay($0, now: Date()) } ?? .seconds(1)
                    await sleep(min(asked, maxWait))
                default:
                    return .rejected(HTTPStepOutcome.message(status, url, body))
                }
            }
        }
    }

    /// Closes the client's connections; call once, after the last `send`.
    public func shutdown() async {
        await client.shutdown()
    }
}
