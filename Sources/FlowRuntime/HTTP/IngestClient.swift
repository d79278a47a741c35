import FlowCore
import Foundation

/// Sends events to an `http` producer, or to any CloudEvents HTTP endpoint (`flow publish`): structured mode,
/// one POST per event over a keep-alive pool.
///
/// Invariants: an event is `accepted` only on a 2xx answer; 408, 429 and 5xx (the endpoint is full or busy;
/// flow's 503 stored nothing, a proxy's 502 or 504 may have) are sent again after their `Retry-After` (1 s
/// without one, at most `maxWait`), at most `retries` times; another 4xx is `rejected`, never sent again;
/// anything that concerns the endpoint rather than the event (transport errors, 3xx, 404, 405) is `failed`.
public struct IngestClient: Sendable {
    /// What became of one event, and how many times it was refused (408, 429, 5xx) and sent again first.
    public enum Outcome: Sendable, Equatable {
        /// Stored by the endpoint.
        case accepted(retried: Int)
        /// Refused for good (a 4xx other than 404, 405, 408 and 429): `HTTP 400 from <url>: <body>`.
        case rejected(String, retried: Int)
        /// Not delivered, and the next event would fare no better: a transport error, an answer about the
        /// endpoint rather than the event (1xx left over, 3xx, 404, 405), or still refused after every retry.
        case failed(String, retried: Int)
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
                return .failed("POST \(url) failed: \(problem)", retried: attempt)
            case .response(let status, let retryAfter, let body, _):
                switch status {
                case 200...299:
                    return .accepted(retried: attempt)
                case 408, 429, 500...599:
                    guard attempt < retries else {
                        let message = HTTPStepOutcome.message(status, url, body)
                        return .failed(message + " (still refused after \(retries) retries)", retried: attempt)
                    }
                    attempt += 1
                    let asked = retryAfter.flatMap { RetryAfter.delay($0, now: Date()) } ?? .seconds(1)
                    await sleep(min(asked, maxWait))
                case 400...499 where status != 404 && status != 405:
                    return .rejected(HTTPStepOutcome.message(status, url, body), retried: attempt)
                default:
                    return .failed(HTTPStepOutcome.message(status, url, body), retried: attempt)
                }
            }
        }
    }

    /// Closes the client's connections; call once, after the last `send`.
    public func shutdown() async {
        await client.shutdown()
    }
}
