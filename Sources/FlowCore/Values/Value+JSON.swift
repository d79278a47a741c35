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

    /// Compact JSON with sorted keys: stable output for logs, files and tests (`JSONWriter`).
    public var jsonString: String {
        var writer = JSONWriter()
        writer.write(self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Indented JSON with sorted keys (two spaces), for documents people read such as `flow schema`.
    public var prettyJSONString: String {
        var writer = JSONWriter()
        writer.writePretty(self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

extension Value: CustomStringConvertible {
    /// Strings render bare (for templates and logs); everything else renders as JSON.
    public var description: String {
        if case .string(let s) = self { return s }
        return jsonString
    }
}
