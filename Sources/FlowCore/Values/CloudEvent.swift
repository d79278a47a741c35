/// A CloudEvents 1.0 event, the unit every topic carries.
///
/// Invariant: `id`, `source` and `type` are non-empty once an event is published; `extensions` never holds
/// a core attribute name (`id`, `source`, `type`, `specversion`, `subject`, `time`, `datacontenttype`, `data`).
public struct CloudEvent: Hashable, Sendable {
    public var id: String
    public var source: String
    public var type: String
    public var subject: String?
    /// RFC 3339 timestamp as text (kept verbatim so a round trip never changes it).
    public var time: String?
    public var datacontenttype: String?
    public var data: Value
    /// Extension attributes: lower-case alphanumeric names (CloudEvents 1.0 §3.1.1).
    public var extensions: [String: Value]

    public static let specversion = "1.0"

    /// The attribute names that are not extensions.
    public static let coreAttributes: Set<String> = [
        "id", "source", "type", "specversion", "subject", "time", "datacontenttype", "data", "dataschema",
    ]

    public init(
        id: String,
        source: String,
        type: String,
        subject: String? = nil,
        time: String? = nil,
        datacontenttype: String? = "application/json",
        data: Value = .null,
        extensions: [String: Value] = [:]
    ) {
        self.id = id
        self.source = source
        self.type = type
        self.subject = subject
        self.time = time
        self.datacontenttype = datacontenttype
        self.data = data
        self.extensions = extensions
    }

    /// An attribute or extension by name, as expressions see it (`type`, `data`, `flowattempts`, ...).
    public func attribute(_ name: String) -> Value? {
        switch name {
        case "id": .string(id)
        case "source": .string(source)
        case "type": .string(type)
        case "specversion": .string(CloudEvent.specversion)
        case "subject": subject.map(Value.string) ?? .null
        case "time": time.map(Value.string) ?? .null
        case "datacontenttype": datacontenttype.map(Value.string) ?? .null
        case "data": data
        default: extensions[name]
        }
    }

    /// The structured-mode JSON object (CloudEvents JSON format), extensions flattened beside core attributes.
    public var jsonObject: Value {
        var fields = extensions
        fields["specversion"] = .string(CloudEvent.specversion)
        fields["id"] = .string(id)
        fields["source"] = .string(source)
        fields["type"] = .string(type)
        if let subject { fields["subject"] = .string(subject) }
        if let time { fields["time"] = .string(time) }
        if let datacontenttype { fields["datacontenttype"] = .string(datacontenttype) }
        fields["data"] = data
        return .object(fields)
    }
}
