import FlowCore
import Foundation
import Logging
import Tracing

/// The state of one invocation of a `StepHandler`: the event as the steps have changed it so far, the events
/// emitted so far, and where to continue. A value: it travels with the invocation across a `delay` or an
/// `exec` and is never shared between invocations.
///
/// Invariant: `context.event` is never nil (it is the current event).
struct StepRun: Sendable {
    /// What expressions read: the current event, the attempt, the invocation's random stream and its clock.
    var context: EvaluationContext
    /// Events emitted so far, in step order.
    var emitted: [EmittedEvent] = []
    /// The next instruction to run.
    var next = 0
    /// The instruction a latency fault delayed: it runs (without faults) when the invocation resumes.
    var faultDelayed: Int?
    /// When the attempt's timeout expires on the scheduler's monotonic clock; nil without a timeout (or
    /// when the program never suspends, so the runner's own timer is enough).
    let deadline: Duration?
    /// The attempt's `process` span context, the parent of each step's span; nil when tracing is off.
    let trace: InstrumentationContext?
    /// The span of the step running now (ended when it finishes, or when a step that waits resumes).
    var stepSpan: (any Span)?
    /// The current step's trace context as headers (`traceparent`, `tracestate`): for `http` requests and
    /// `exec` environments. Empty when tracing is off.
    var traceHeaders: [String: String] = [:]
    /// `trace_id` and `span_id` of the attempt, for every log line of the steps. Empty when tracing is off.
    var traceFields: [String: String] = [:]

    /// A run of `input` from the first instruction.
    init(_ input: HandlerInput, seed: UInt64, now: Date, deadline: Duration?) {
        context = EvaluationContext(
            event: input.event,
            attempt: input.attempt,
            random: Self.random(seed: seed, position: input.position, attempt: input.attempt),
            now: now
        )
        self.deadline = deadline
        trace = input.trace
    }

    /// The current event.
    var event: CloudEvent {
        get { context.event! }
        set { context.event = newValue }
    }

    /// The per-event log fields (the handler's logger adds `flow.consumer`).
    var metadata: Logger.Metadata {
        var fields: Logger.Metadata = ["flow.event_id": "\(event.id)", "flow.attempt": "\(context.attempt)"]
        for (name, value) in traceFields { fields[name] = "\(value)" }
        return fields
    }

    /// The random stream of one attempt at one record: a function of the handler's seed, the record's position
    /// and the attempt only, so draws (`random_float`, `uuid()`, emitted ids) repeat under a seed whatever the
    /// concurrency or the timing of other events.
    static func random(seed: UInt64, position: RecordPosition, attempt: Int) -> SeededRandom {
        var mixer = SeededRandom(seed: seed ^ UInt64(truncatingIfNeeded: position.partition))
        mixer = SeededRandom(seed: mixer.next() ^ UInt64(bitPattern: position.offset))
        mixer = SeededRandom(seed: mixer.next() ^ UInt64(truncatingIfNeeded: attempt))
        return SeededRandom(seed: mixer.next())
    }
}
