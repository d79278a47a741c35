/// A CloudEvents 1.0 event, the unit every topic carries.
///
/// Invariant: `id`, `source` and `type` are non-empty once an event is published; `extensions` never holds
/// a core attribute name (`id`, `source`, `type`, `specversion`, `subject`, `time`, `datacontenttype`, `data`).
public struct CloudEvent: Hashable, Sendable {
    /// The fields, shared between copies until one of them changes (copy-on-write): an event passes through
    /// producers, brokers, runners and steps, and one retain per copy is far cheaper than one per field.
    ///
    /// `@unchecked Sendable`: a `Storage` is only mutated through `CloudEvent.mutate`, which first copies it
    /// unless it is uniquely referenced, so an instance reachable from two values is never written.
    private final class Storage: @unchecked Sendable {
        var id: String
        var source: String
        var type: String
        var subject: String?
        var time: String?
        var datacontenttype: String?
        var data: Value
        var extensions: [String: Value]

        init(
            id: String,
            source: String,
            type: String,
            subject: String?,
            time: String?,
            datacontenttype: String?,
            data: Value,
            extensions: [String: Value]
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

        func copy() -> Storage {
            Storage(
                id: id,
                source: source,
                type: type,
                subject: subject,
                time: time,
                datacontenttype: datacontenttype,
                data: data,
                extensions: extensions
            )
        }
    }

    private var storage: Storage

    private mutating func mutate(_ change: (Storage) -> Void) {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        change(storage)
    }

    public var id: String {
        get { storage.id }
        set { mutate { $0.id = newValue } }
    }

    public var source: String {
        get { storage.source }
        set { mutate { $0.source = newValue } }
    }

    public var type: String {
        get { storage.type }
        set { mutate { $0.type = newValue } }
    }

    public var subject: String? {
        get { storage.subject }
        set { mutate { $0.subject = newValue } }
    }

    /// RFC 3339 timestamp as text (kept verbatim so a round trip never changes it).
    public var time: String? {
        get { storage.time }
        set { mutate { $0.time = newValue } }
    }

    public var datacontenttype: String? {
        get { storage.datacontenttype }
        set { mutate { $0.datacontenttype = newValue } }
    }

    public var data: Value {
        get { storage.data }
        set { mutate { $0.data = newValue } }
    }

    /// Extension attributes: lower-case alphanumeric names (CloudEvents 1.0 §3.1.1).
    public var extensions: [String: Value] {
        get { storage.extensions }
        set { mutate { $0.extensions = newValue } }
    }

    public static func == (lhs: CloudEvent, rhs: CloudEvent) -> Bool {
        if lhs.storage === rhs.storage { return true }
        return lhs.id == rhs.id && lhs.source == rhs.source && lhs.type == rhs.type && lhs.subject == rhs.subject
            && lhs.time == rhs.time && lhs.datacontenttype == rhs.datacontenttype && lhs.data == rhs.data
            && lhs.extensions == rhs.extensions
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(source)
        hasher.combine(type)
        hasher.combine(subject)
        hasher.combine(time)
        hasher.combine(datacontenttype)
        hasher.combine(data)
        hasher.combine(extensions)
    }

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
        storage = Storage(
            id: id,
            source: source,
            type: type,
            subject: subject,
            time: time,
            datacontenttype: datacontenttype,
            data: data,
            extensions: extensions
        )
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

    /// The structured-mode JSON text (`jsonObject`, keys sorted) as UTF-8 bytes.
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter(capacity: 512)
        writeJSON(to: &writer)
        return writer.bytes
    }

    /// Writes `jsonObject` to `writer`, byte for byte the same as `writer.write(jsonObject)` without building
    /// the object first (every stored record and exec request gets one): the core attributes in their fixed
    /// sorted order, merged with the sorted extension names.
    public func writeJSON(to writer: inout JSONWriter) {
        let storage = storage
        let names = storage.extensions.isEmpty ? [] : storage.extensions.keys.sorted()
        var next = 0
        var first = true
        func comma() {
            if !first { writer.raw(",") }
            first = false
        }
        func writeNextExtension() {
            comma()
            writer.writeString(names[next])
            writer.raw(":")
            writer.write(storage.extensions[names[next]]!)
            next += 1
        }
        /// Writes the extensions sorted before `name`; true when the next one is named `name` (not written).
        func extensions(before name: String) -> Bool {
            while next < names.count, names[next] < name { writeNextExtension() }
            return next < names.count && names[next] == name
        }
        // As in `jsonObject`: a stored attribute wins over an extension of the same name (which the invariant
        // rules out, but a hand-built event may still carry); an absent optional one lets the extension show.
        // `key` is the name already quoted, with its colon.
        func core(_ name: String, _ key: StaticString, _ text: String?) {
            let shadowed = extensions(before: name)
            if let text {
                comma()
                writer.raw(key)
                writer.writeString(text)
                if shadowed { next += 1 }
            } else if shadowed {
                writeNextExtension()
            }
        }
        writer.raw("{")
        if extensions(before: "data") { next += 1 }
        comma()
        writer.raw(#""data":"#)
        writer.write(storage.data)
        core("datacontenttype", #""datacontenttype":"#, storage.datacontenttype)
        core("id", #""id":"#, storage.id)
        core("source", #""source":"#, storage.source)
        core("specversion", #""specversion":"#, CloudEvent.specversion)
        core("subject", #""subject":"#, storage.subject)
        core("time", #""time":"#, storage.time)
        core("type", #""type":"#, storage.type)
        while next < names.count { writeNextExtension() }
        writer.raw("}")
    }
}
