import Dispatch
import FlowCore
import Logging

extension StepHandler {
    /// How long an `http` step waits when neither it nor its consumer sets a timeout.
    static let defaultHTTPTimeout = Duration.seconds(30)

    /// The request an `http` step makes for the current event of `run`: its URL and header templates
    /// rendered. A URL that is not `http://` or `https://` is an evaluation error (permanent).
    func request(_ step: Step.HTTP, _ run: inout StepRun) throws(EvaluationError) -> HTTPStepRequest {
        let url = try step.url.renderString(&run.context)
        let display = Self.readsEnvironment(step.url) ? step.url.source : url
        let scheme = url.prefix(8).lowercased()
        guard scheme.hasPrefix("http://") || scheme.hasPrefix("https://") else {
            throw EvaluationError("url \"\(display)\" is not an http:// or https:// URL")
        }
        // The step's own headers come after the trace context's, so a step may replace `traceparent`.
        var headers = run.traceHeaders.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        for name in step.headers.keys.sorted() {
            headers.append((name, try step.headers[name]!.renderString(&run.context)))
        }
        return HTTPStepRequest(event: run.event, mode: step.mode, url: url, displayURL: display, headers: headers)
    }

    /// The step's own timeout, else the consumer's, else `defaultHTTPTimeout`.
    func httpTimeout(_ step: Step.HTTP) -> Duration {
        step.timeout ?? consumerTimeout ?? Self.defaultHTTPTimeout
    }

    /// Whether a template reads an environment variable (its rendered text may then be a secret).
    static func readsEnvironment(_ template: Template) -> Bool {
        template.source.contains("env.")
    }

    /// POSTs `request` on the shared client and continues `run` on `queue` with the reply.
    func send(
        _ request: HTTPStepRequest,
        timeout: Duration,
        label: String,
        _ run: StepRun,
        _ completion: @escaping @Sendable (HandlerResult) -> Void
    ) {
        logger.debug(
            "http request",
            metadata: run.metadata.merging(
                ["flow.url": "\(request.displayURL)", "flow.headers": "\(request.headerNames.joined(separator: ","))"]
            ) { $1 }
        )
        let client = httpClient
        let started = scheduler.now
        Task { [self] in
            let reply = await client.post(request, timeout: timeout)
            scheduler.execute(on: queue) { [self] in
                meters?.count(reply)
                let outcome = HTTPStepOutcome(reply, url: request.displayURL, now: scheduler.wallClock)
                stepEnded(run, label: label, since: started, failure: outcome.failureMessage)
                if let result = continuation(after: outcome, label: label, run, completion) {
                    completion(result)
                }
            }
        }
    }

    /// Applies an answered request's `outcome` to `run` and proceeds; returns the result instead when the
    /// invocation ends here.
    private func continuation(
        after outcome: HTTPStepOutcome,
        label: String,
        _ run: StepRun,
        _ completion: @escaping @Sendable (HandlerResult) -> Void
    ) -> HandlerResult? {
        if case .failure(let message, let permanent, let retryAfter) = outcome {
            return .failure(message: message, permanent: permanent, retryAfter: retryAfter)
        }
        let reply: (data: Value?, emissions: [ExecOutcome.Emission])
        switch outcome {
        case .unchanged, .failure: reply = (nil, [])
        case .replaceData(let data): reply = (data, [])
        case .emit(let emissions): reply = (nil, emissions)
        }
        return apply(reply, from: "response", label: label, run, completion)
    }
}
