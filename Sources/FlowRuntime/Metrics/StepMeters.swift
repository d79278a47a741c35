import CoreMetrics

/// The metrics of one consumer's steps: a duration timer per step that waits (`exec`, `http`, `swift`,
/// `delay`; the others take nanoseconds), `http` replies by status class and `exec` worker restarts.
///
/// Invariant: immutable; every handle is made up front from the consumer's program, so recording from the
/// step handler's queue or a task needs no lock of flow's.
struct StepMeters: Sendable {
    private let durations: [String: Timer]
    private let httpResponses: [String: Counter]
    /// Counted each time an `exec` worker is started again after it ended; nil without `worker: true` steps.
    let workerRestarts: Counter?

    static let statusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx", "error"]

    init(factory: any MetricsFactory, consumer: String, program: StepProgram) {
        let who = (MetricDimension.consumer, consumer)
        var durations: [String: Timer] = [:]
        var hasHTTP = false
        var hasWorkers = false
        for (index, instruction) in program.instructions.enumerated() {
            switch instruction {
            case .delay, .exec, .swift, .http:
                let label = program.labels[index]
                durations[label] = Timer(
                    label: MetricName.stepDuration,
                    dimensions: [who, (MetricDimension.step, label)],
                    factory: factory
                )
                if case .http = instruction { hasHTTP = true }
                if case .exec(let command) = instruction, command.worker { hasWorkers = true }
            default: break
            }
        }
        self.durations = durations
        var httpResponses: [String: Counter] = [:]
        if hasHTTP {
            for statusClass in Self.statusClasses {
                httpResponses[statusClass] = Counter(
                    label: MetricName.httpStepResponses,
                    dimensions: [who, (MetricDimension.statusClass, statusClass)],
                    factory: factory
                )
            }
        }
        self.httpResponses = httpResponses
        workerRestarts =
            hasWorkers ? Counter(label: MetricName.workerRestarts, dimensions: [who], factory: factory) : nil
    }

    /// The step labelled `label` took `duration`.
    func record(_ label: String, _ duration: Duration) {
        durations[label]?.recordNanoseconds(duration.nanoseconds)
    }

    /// An `http` step got `reply`.
    func count(_ reply: HTTPStepReply) {
        switch reply {
        case .response(let status, _, _, _):
            httpResponses[Self.statusClasses[min(max(status / 100, 1), 5) - 1]]?.increment()
        case .failed:
            httpResponses["error"]?.increment()
        }
    }
}
