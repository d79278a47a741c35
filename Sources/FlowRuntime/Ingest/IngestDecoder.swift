import FlowCore
import Foundation

/// Turns one POSTed request into a CloudEvent, per the CloudEvents HTTP binding (docs/http.md, "ingest").
///
/// Rules:
/// - binary mode when the request has a `ce-specversion` header: `ce-id`, `ce-source` and `ce-type` are
///   required, `ce-subject` and `ce-time` optional, every other `ce-<name>` header is a string extension;
///   the body is the data: JSON when `Content-Type` is JSON (`application/json`, `…+json`) or absent (an
///   empty body is null), otherwise its text, with `datacontenttype` set to the content type;
/// - structured mode otherwise: the body must be a JSON object with `specversion` (whatever the content type
///   says), decoded as a structured JSON line is (`LineDecoder.structured`);
/// - anything else is malformed, with a lower-case message saying what is wrong.
struct IngestDecoder: Sendable {
    /// The event in a request with `headers` (lower-case names) and `body`.
    static func decode(headers: [String: String], body: [UInt8]) throws(MalformedLineError) -> CloudEvent {
        if headers["ce-specversion"] != nil { return try binary(headers: headers, body: body) }
        let value: Value
        do {
            value = try Value(json: body)
        } catch {
            if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
                throw MalformedLineError(
                    "empty body: post a structured CloudEvent (application/cloudevents+json) or use ce-* headers"
                )
            }
            throw MalformedLineError("invalid JSON in a structured CloudEvent")
        }
        guard case .object(let fields) = value else {
            throw MalformedLineError("a structured CloudEvent must be a JSON object, not \(value.typeName)")
        }
        guard fields["specversion"] != nil else {
            throw MalformedLineError(
                "cloudevent is missing required attribute \"specversion\" (or send ce-* headers for binary mode)"
            )
        }
        return try LineDecoder.structured(fields)
    }

    private static func binary(headers: [String: String], body: [UInt8]) throws(MalformedLineError) -> CloudEvent {
        guard headers["ce-specversion"] == CloudEvent.specversion else {
            throw MalformedLineError(
                "unsupported ce-specversion \"\(headers["ce-specversion"] ?? "")\" (expected \"\(CloudEvent.specversion)\")"
            )
        }
        func required(_ name: String) throws(MalformedLineError) -> String {
            guard let value = headers["ce-\(name)"], !value.isEmpty else {
                throw MalformedLineError("cloudevent is missing required header \"ce-\(name)\"")
            }
            return value
        }
        var event = CloudEvent(
            id: try required("id"),
            source: try required("source"),
            type: try required("type"),
            subject: headers["ce-subject"],
            time: headers["ce-time"]
        )
        // `ce-dataschema` is a valid attribute flow does not keep, as in structured mode (LineDecoder).
        let core: Set = ["ce-specversion", "ce-id", "ce-source", "ce-type", "ce-subject", "ce-time", "ce-dataschema"]
        for (name, value) in headers where name.hasPrefix("ce-") && !core.contains(name) {
            let attribute = String(name.dropFirst(3))
            guard !attribute.isEmpty,
                attribute.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) })
            else {
                throw MalformedLineError(
                    "header \"\(name)\" is not a valid extension name (lower-case letters and digits only)"
                )
            }
            guard !CloudEvent.coreAttributes.contains(attribute) else {
                throw MalformedLineError("header \"\(name)\" names a core attribute, not an extension")
            }
            event.extensions[attribute] = .string(value)
        }
        let contentType = headers["content-type"]
        if let contentType, !isJSON(contentType) {
            event.datacontenttype = contentType
            event.data = .string(String(decoding: body, as: UTF8.self))
            return event
        }
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return event }
        do {
            event.data = try Value(json: body)
        } catch {
            throw MalformedLineError("invalid JSON in the body of a binary-mode CloudEvent")
        }
        return event
    }

    /// Whether a content type is JSON: `application/json` or any `…+json`, parameters ignored.
    static func isJSON(_ contentType: String) -> Bool {
        let media = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let lower = media.lowercased()
        return lower == "application/json" || lower.hasSuffix("+json")
    }
}
