import Tracing

extension EventTracer {
    /// Starts the span of one step, a child of the attempt's `process` span.
    func startStep(_ label: String, parent: InstrumentationContext) -> any Span {
        let span = tracer.startSpan(label, context: parent, ofKind: .internal)
        span.attributes["flow.step"] = label
        return span
    }
}

extension StepRun {
    /// Ends the current step's span (nil when tracing is off or the step had none), marking it failed when
    /// `result` is a failure.
    mutating func endStep(_ result: HandlerResult? = nil) {
        guard let span = stepSpan else { return }
        if case .failure(let message, _, _)? = result { span.setStatus(SpanStatus(code: .error, message: message)) }
        span.end()
        stepSpan = nil
    }
}

extension StepHandler {
    /// A step that waited has resumed after starting at `started`: its duration is recorded and its span
    /// ended (failed with `failure`).
    func stepEnded(_ run: StepRun, label: String, since started: Duration, failure: String? = nil) {
        meters?.record(label, scheduler.now - started)
        guard let span = run.stepSpan else { return }
        if let failure { span.setStatus(SpanStatus(code: .error, message: failure)) }
        span.end()
    }
}

extension ExecOutcome {
    /// The message of a failed run; nil otherwise.
    var failureMessage: String? {
        if case .failure(let message, _) = self { return message }
        return nil
    }
}

extension HTTPStepOutcome {
    /// The message of a failed request; nil otherwise.
    var failureMessage: String? {
        if case .failure(let message, _, _) = self { return message }
        return nil
    }
}
