import FlowCore

/// One POST an `http` step makes for one event, built without I/O so every rule of the CloudEvents HTTP
/// binding is testable.
///
/// Invariants:
/// - structured mode: the body is the event's CloudEvents JSON object and `Content-Type` is
///   `application/cloudevents+json`;
/// - binary mode: the body is the event's `data` as JSON, `Content-Type` is `application/json`, and every
///   attribute travels as a `ce-<name>` header (`ce-id`, `ce-source`, `ce-type`, `ce-specversion`, and
///   `ce-subject`, `ce-time` and extensions when present; non-string extension values as their JSON text);
/// - the step's own headers come last and replace a header of the same name (compared case-insensitively);
/// - `displayURL` is what messages and logs show: the rendered URL, or the URL template's source when it
///   reads the environment (so a token in a query string never reaches a log or a dead-letter envelope).
struct HTTPStepRequest: Sendable {
    var url: String
    var displayURL: String
    /// Header names and values, in the order they are sent.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// The request for `event` with the step's rendered `url` and `headers` (name → rendered value).
    init(
        event: CloudEvent,
        mode: Step.HTTP.Mode,
        url: String,
        displayURL: String,
        headers: [(name: String, value: String)]
    ) {
        self.url = url
        self.displayURL = displayURL
        var fields: [(name: String, value: String)]
        switch mode {
        case .structured:
            body = event.jsonBytes
            fields = [("Content-Type", "application/cloudevents+json")]
        case .binary:
            body = Array(event.data.jsonString.utf8)
            fields = [
                ("Content-Type", "application/json"), ("ce-specversion", CloudEvent.specversion), ("ce-id", event.id),
                ("ce-source", event.source), ("ce-type", event.type),
            ]
            if let subject = event.subject { fields.append(("ce-subject", subject)) }
            if let time = event.time { fields.append(("ce-time", time)) }
            for name in event.extensions.keys.sorted() {
                let value = event.extensions[name]!
                fields.append(("ce-\(name)", value.stringValue ?? value.jsonString))
            }
        }
        for header in headers {
            let name = header.name.lowercased()
            fields.removeAll { $0.name.lowercased() == name }
            fields.append(header)
        }
        self.headers = fields
    }

    /// The header names, for logs: values are never logged (they may hold `${env.*}` secrets).
    var headerNames: [String] { headers.map(\.name) }
}
