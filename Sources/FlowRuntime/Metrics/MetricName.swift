/// The names flow records its metrics under, in OpenTelemetry form (dots; units and `_total` are the
/// exporter's to add: FlowPrometheus maps `messaging.client.consumed.messages` to
/// `messaging_client_consumed_messages_total`). docs/observability.md lists every metric.
///
/// Invariant: every dimension is low-cardinality: names from the pipeline file, partitions, outcomes, error
/// classes and status classes, never an event id or an attempt.
public enum MetricName {
    /// Counter: records a consumer finished, by `flow.outcome`.
    public static let consumed = "messaging.client.consumed.messages"
    /// Counter: records stored in a topic, by the producer or consumer that sent them.
    public static let sent = "messaging.client.sent.messages"
    /// Timer: how long each handler attempt took, per consumer.
    public static let processDuration = "messaging.process.duration"
    /// Timer: how long each step that waits (`exec`, `http`, `swift`, `delay`) took.
    public static let stepDuration = "flow.step.duration"
    /// Counter: attempts beyond the first, by `error.type` of the failure that caused them.
    public static let retries = "flow.retries"
    /// Counter: envelopes a consumer stored in its dead-letter topic, by `error.type`.
    public static let deadLettered = "flow.dead_lettered.messages"
    /// Gauge: records a group has not committed, per partition.
    public static let lag = "flow.consumer.lag"
    /// Gauge: handler attempts running now, per consumer.
    public static let inFlight = "flow.inflight.messages"
    /// Gauge: 0 closed, 1 half-open, 2 open.
    public static let breakerState = "flow.circuit_breaker.state"
    /// Counter: breaker transitions, by the state entered (`flow.state`).
    public static let breakerTransitions = "flow.circuit_breaker.transitions"
    /// Counter: malformed producer input, by what became of it (`flow.outcome`: dead_lettered, counted,
    /// rejected).
    public static let malformed = "flow.producer.malformed.messages"
    /// Counter: `http` producer answers, by `http.response.status_code`.
    public static let ingestResponses = "flow.ingest.responses"
    /// Counter: `http` step replies, by `http.response.status_class` (2xx … 5xx, or `error` without one).
    public static let httpStepResponses = "flow.http_step.responses"
    /// Counter: `exec` workers started again after they died.
    public static let workerRestarts = "flow.exec_worker.restarts"
}

/// The dimension names of flow's metrics (OpenTelemetry attribute names where one exists).
public enum MetricDimension {
    public static let destination = "messaging.destination.name"
    public static let group = "messaging.consumer.group.name"
    public static let consumer = "flow.consumer"
    public static let producer = "flow.producer"
    public static let step = "flow.step"
    public static let partition = "flow.partition"
    public static let outcome = "flow.outcome"
    public static let state = "flow.state"
    public static let errorType = "error.type"
    public static let statusCode = "http.response.status_code"
    public static let statusClass = "http.response.status_class"
}
