import Foundation

extension Value: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? container.decode(Int.self) {
            self = .int(i)
        } else if let d = try? container.decode(Double.self) {
            self = .double(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([Value].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: Value].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .int(let i): try container.encode(i)
        case .double(let d): try container.encode(d)
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }

    /// Parses one JSON text (RFC 8259). Throws an error naming the problem and its byte offset.
    public init(json: some DataProtocol) throws {
        self = try JSONParser.parse(Array(json))
    }

    /// Compact JSON with sorted keys: stable output for logs, files and tests.
    public var jsonString: String {
        var out = ""
        Value.write(self, to: &out)
        return out
    }

    /// Indented JSON with sorted keys (two spaces), for documents people read such as `flow schema`.
    public var prettyJSONString: String {
        var out = ""
        Value.writePretty(self, indent: "", to: &out)
        return out
    }

    private static func writePretty(_ value: Value, indent: String, to out: inout String) {
        let inner = indent + "  "
        switch value {
        case .array(let items) where !items.isEmpty:
            out += "[\n"
            for (index, item) in items.enumerated() {
                out += inner
                writePretty(item, indent: inner, to: &out)
                out += index < items.count - 1 ? ",\n" : "\n"
            }
            out += indent + "]"
        case .object(let fields) where !fields.isEmpty:
            out += "{\n"
            for (index, key) in fields.keys.sorted().enumerated() {
                out += inner
                writeString(key, to: &out)
                out += ": "
                writePretty(fields[key]!, indent: inner, to: &out)
                out += index < fields.count - 1 ? ",\n" : "\n"
            }
            out += indent + "}"
        default:
            write(value, to: &out)
        }
    }

    private static func write(_ value: Value, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isFinite {
                out += d == d.rounded() && abs(d) < 1e15 ? String(format: "%.1f", d) : "\(d)"
            } else {
                out += "null"
            }
        case .string(let s): writeString(s, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (index, key) in fields.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                writeString(key, to: &out)
                out += ":"
                write(fields[key]!, to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

extension Value: CustomStringConvertible {
    /// Strings render bare (for templates and logs); everything else renders as JSON.
    public var description: String {
        if case .string(let s) = self { return s }
        return jsonString
    }
}
