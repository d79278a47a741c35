import FlowCore
import Tracing

/// Reads and writes a trace context in a CloudEvent's extensions: the CloudEvents distributed-tracing
/// extension (`traceparent`, `tracestate`, as W3C trace context writes them), or whatever keys the tracer's
/// propagator uses.
///
/// Invariant: only string extensions are read, and only the keys the tracer asks for are written.
struct EventContextCarrier: Extractor, Injector {
    func extract(key: String, from carrier: [String: Value]) -> String? {
        guard case .string(let text)? = carrier[key] else { return nil }
        return text
    }

    func inject(_ value: String, forKey key: String, into carrier: inout [String: Value]) {
        carrier[key] = .string(value)
    }
}

/// Headers and environment variables: a plain string map.
struct StringMapCarrier: Extractor, Injector {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }

    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

/// The run's tracer with flow's conventions (OpenTelemetry messaging semantic conventions): `send <topic>`
/// producer spans for stored events, `process <topic>` consumer spans per attempt with a child per step.
///
/// Invariant: a span started here is ended by whoever holds it, exactly once; an event's trace context is
/// the context of the span that stored it, so the next hop's span is that span's child.
struct EventTracer: Sendable {
    let tracer: any Tracer

    /// The context an event carries; `.topLevel` when it carries none.
    func context(of event: CloudEvent) -> InstrumentationContext {
        var context = InstrumentationContext.topLevel
        tracer.extract(event.extensions, into: &context, using: EventContextCarrier())
        return context
    }

    /// Writes `context` into `event`'s extensions (replacing the trace context it carried).
    func inject(_ context: InstrumentationContext, into event: inout CloudEvent) {
        var extensions = event.extensions
        tracer.inject(context, into: &extensions, using: EventContextCarrier())
        event.extensions = extensions
    }

    /// `context` as string headers (`traceparent`, `tracestate` with W3C trace context).
    func headers(of context: InstrumentationContext) -> [String: String] {
        var headers: [String: String] = [:]
        tracer.inject(context, into: &headers, using: StringMapCarrier())
        return headers
    }

    /// Starts `send <topic>` for `event`, a child of `parent` (else of the context the event carries), and
    /// makes the event carry the span's context.
    func startSend(_ event: inout CloudEvent, to topic: String, parent: InstrumentationContext? = nil) -> any Span {
        let parent = parent ?? context(of: event)
        let span = tracer.startSpan("send \(topic)", context: parent, ofKind: .producer)
        span.attributes["messaging.system"] = "flow"
        span.attributes["messaging.operation.type"] = "send"
        span.attributes["messaging.destination.name"] = topic
        span.attributes["messaging.message.id"] = event.id
        inject(span.context, into: &event)
        return span
    }

    /// Starts `process <topic>` for one attempt at `input`: a child of the context the event carries, and
    /// linked to it (the conventions' advice for consumers).
    func startProcess(_ input: HandlerInput, group: String, consumer: String) -> any Span {
        let parent = context(of: input.event)
        let span = tracer.startSpan("process \(input.topic)", context: parent, ofKind: .consumer)
        span.attributes["messaging.system"] = "flow"
        span.attributes["messaging.operation.type"] = "process"
        span.attributes["messaging.destination.name"] = input.topic
        span.attributes["messaging.consumer.group.name"] = group
        span.attributes["messaging.destination.partition.id"] = String(input.position.partition)
        span.attributes["messaging.message.id"] = input.event.id
        span.attributes["flow.consumer"] = consumer
        span.attributes["flow.attempt"] = input.attempt
        if !headers(of: parent).isEmpty { span.addLink(SpanLink(context: parent, attributes: [:])) }
        return span
    }

    /// The `trace_id` and `span_id` log fields of a span's `context` (from its W3C `traceparent`); empty with
    /// another propagator.
    func logFields(of context: InstrumentationContext) -> [String: String] {
        guard let parent = headers(of: context)["traceparent"] else { return [:] }
        let parts = parent.split(separator: "-")
        guard parts.count == 4 else { return [:] }
        return ["trace_id": String(parts[1]), "span_id": String(parts[2])]
    }
}
