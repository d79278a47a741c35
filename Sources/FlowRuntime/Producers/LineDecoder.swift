import FlowCore
import Foundation

/// Turns one input line into an event: a CloudEvent in structured JSON, or bare data wrapped into one.
///
/// A line is a CloudEvent when it is a JSON object with a `specversion` member; then `specversion` must be
/// "1.0", `id`, `source` and `type` non-empty strings, `subject`, `time` and `datacontenttype` strings when
/// present, `data` is kept as it is, `dataschema` is not carried, and every other member becomes an
/// extension (its name must be lower-case letters and digits). Any other JSON value is bare data.
///
/// Invariant: a line either yields an event or a lower-case message saying what is wrong with it.
struct LineDecoder: Sendable {
    /// The `source` of wrapped bare data.
    let source: String
    /// The `type` of wrapped bare data.
    let type: String

    /// `flow/<producer>` as source; `type`, or `flow.record` when nil, for bare data.
    init(producer: String, type: String?) {
        self.init(source: "flow/\(producer)", type: type)
    }

    /// `source` and `type` (`flow.record` when nil) for bare data.
    init(source: String, type: String?) {
        self.source = source
        self.type = type ?? "flow.record"
    }

    /// The event of `line`; bare data gets an id from `random` and `time`.
    func decode(
        _ line: ArraySlice<UInt8>,
        random: inout SeededRandom,
        time: String
    ) throws(MalformedLineError) -> CloudEvent {
        let value: Value
        do {
            value = try Value(json: line)
        } catch {
            throw MalformedLineError("invalid JSON: \(Self.jsonProblem(in: line))")
        }
        guard case .object(let fields) = value, fields["specversion"] != nil else {
            return CloudEvent(id: random.uuid(), source: source, type: type, time: time, data: value)
        }
        return try Self.structured(fields)
    }

    /// A structured-mode CloudEvent from its JSON members.
    static func structured(_ fields: [String: Value]) throws(MalformedLineError) -> CloudEvent {
        guard fields["specversion"] == .string(CloudEvent.specversion) else {
            throw MalformedLineError(
                "unsupported specversion \(fields["specversion"]!.jsonString) (expected \"\(CloudEvent.specversion)\")"
            )
        }
        var extensions: [String: Value] = [:]
        for (name, value) in fields where !CloudEvent.coreAttributes.contains(name) {
            guard isExtensionName(name) else {
                throw MalformedLineError(
                    "attribute \"\(name)\" is not a valid extension name (lower-case letters and digits only)"
                )
            }
            extensions[name] = value
        }
        return CloudEvent(
            id: try required("id", in: fields),
            source: try required("source", in: fields),
            type: try required("type", in: fields),
            subject: try optional("subject", in: fields),
            time: try optional("time", in: fields),
            datacontenttype: try optional("datacontenttype", in: fields),
            data: fields["data"] ?? .null,
            extensions: extensions
        )
    }

    private static func required(_ name: String, in fields: [String: Value]) throws(MalformedLineError) -> String {
        guard let value = fields[name] else {
            throw MalformedLineError("cloudevent is missing required attribute \"\(name)\"")
        }
        guard case .string(let text) = value, !text.isEmpty else {
            throw MalformedLineError("attribute \"\(name)\" must be a non-empty string, not \(value.jsonString)")
        }
        return text
    }

    private static func optional(_ name: String, in fields: [String: Value]) throws(MalformedLineError) -> String? {
        switch fields[name] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let value?: throw MalformedLineError("attribute \"\(name)\" must be a string, not \(value.jsonString)")
        }
    }

    private static func isExtensionName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
    }

    /// Foundation's description of what is wrong with `bytes` as JSON, lower-cased ("unexpected end of file
    /// during JSON parse").
    private static func jsonProblem(in bytes: ArraySlice<UInt8>) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            if let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String, let first = detail.first
            {
                let sentence = first.lowercased() + detail.dropFirst()
                return sentence.hasSuffix(".") ? String(sentence.dropLast()) : sentence
            }
        }
        return "unsupported value"
    }
}
