extension Pipeline {
    /// A declared fault (`faults:`): with probability `rate`, a call of one step of one consumer fails, is
    /// answered with an HTTP status, or waits first, for chaos drills and demos (docs/testing.md#faults).
    ///
    /// Invariants: `step` is the label of exactly one step of `consumer` (as the runtime names it);
    /// `0 < rate <= 1`; injected only when the run turns faults on (`flow run --faults`, `flow test`).
    public struct Fault: Sendable {
        /// What the fault does to the call.
        public enum Effect: Sendable, Hashable {
            /// The call fails with `message`; retryable unless `permanent`.
            case error(String, permanent: Bool)
            /// The call waits this long, then runs (it counts toward the attempt's timeout).
            case latency(Duration)
            /// The call is answered as an `http` reply with this status, without a request being sent.
            case status(Int)
        }

        public var consumer: String
        public var step: String
        public var effect: Effect
        public var rate: Double
        /// Only events for which this holds (always when nil).
        public var when: Expression?
        public var location: SourceLocation

        public init(
            consumer: String,
            step: String,
            effect: Effect,
            rate: Double = 1,
            when: Expression? = nil,
            location: SourceLocation
        ) {
            self.consumer = consumer
            self.step = step
            self.effect = effect
            self.rate = rate
            self.when = when
            self.location = location
        }

        /// The effect's name in logs and summaries: `error`, `latency`, `status`.
        public var kind: String {
            switch effect {
            case .error: "error"
            case .latency: "latency"
            case .status: "status"
            }
        }
    }
}

extension Pipeline.Consumer {
    /// Why a step reference (`exec`, `2`, `3.1.2`) names no single step of the consumer.
    public enum StepReferenceProblem: Error, Sendable, Hashable {
        /// No step has that number or kind; `steps` lists the consumer's steps as `NUMBER (KIND)`.
        case none(steps: [String], suggestion: String?)
        /// More than one step has that kind; `numbers` are theirs.
        case ambiguous(numbers: [String])
    }

    /// The label of the step `reference` names: its number (`2`, `3.1.2` inside a route), or a kind the
    /// consumer has exactly once (`exec`). Routes themselves are not steps that can be named.
    public func stepLabel(_ reference: String) -> Result<String, StepReferenceProblem> {
        let leaves = Step.numbered(steps).filter { if case .route = $0.step.kind { false } else { true } }
        if let match = leaves.first(where: { $0.number == reference }) { return .success(match.label) }
        let ofKind = leaves.filter { $0.step.kind.name == reference }
        switch ofKind.count {
        case 1: return .success(ofKind[0].label)
        case 0:
            let candidates = leaves.map(\.step.kind.name) + leaves.map(\.number)
            return .failure(
                .none(
                    steps: leaves.map { "\($0.number) (\($0.step.kind.name))" },
                    suggestion: Suggestion.closest(to: reference, in: candidates)
                )
            )
        default: return .failure(.ambiguous(numbers: ofKind.map(\.number)))
        }
    }
}
