import Foundation

/// Compact JSON (RFC 8259) written straight into UTF-8 bytes: the one JSON writer behind `Value.jsonString`,
/// `Value.prettyJSONString` and the requests flow writes to exec workers.
///
/// Invariants: object keys are written in sorted order, so equal values give equal bytes; strings are escaped
/// (`"`, `\`, and control characters) and otherwise copied byte for byte, so the output is valid UTF-8;
/// non-finite doubles are written as `null`.
public struct JSONWriter {
    /// What was written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty writer that reserves `capacity` bytes.
    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends `text` as it is (punctuation, indentation, a newline): the caller keeps the JSON valid.
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends `text` as it is (see `raw(_:)`).
    public mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends `value` as compact JSON.
    public mutating func write(_ value: Value) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): flag ? raw("true") : raw("false")
        case .int(let number): writeInteger(number)
        case .double(let number): writeDouble(number)
        case .string(let text): writeString(text)
        case .array(let items):
            raw("[")
            for (index, item) in items.enumerated() {
                if index > 0 { raw(",") }
                write(item)
            }
            raw("]")
        case .object(let fields):
            raw("{")
            for (index, field) in fields.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { raw(",") }
                writeString(field.key)
                raw(":")
                write(field.value)
            }
            raw("}")
        }
    }

    /// Appends `number` in decimal, without building a `String` first.
    private mutating func writeInteger(_ number: Int) {
        if number < 0 { bytes.append(0x2D) }
        var magnitude = number.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 20 digits at most, written back to front
        withUnsafeMutableBytes(of: &digits) { buffer in
            var end = buffer.count
            repeat {
                end -= 1
                buffer[end] = 0x30 + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: buffer[end...])
        }
    }

    /// Appends `value` indented by two spaces per level, `indent` being the current level's.
    public mutating func writePretty(_ value: Value, indent: String = "") {
        let inner = indent + "  "
        switch value {
        case .array(let items) where !items.isEmpty:
            raw("[\n")
            for (index, item) in items.enumerated() {
                raw(inner)
                writePretty(item, indent: inner)
                index < items.count - 1 ? raw(",\n") : raw("\n")
            }
            raw(indent)
            raw("]")
        case .object(let fields) where !fields.isEmpty:
            raw("{\n")
            for (index, key) in fields.keys.sorted().enumerated() {
                raw(inner)
                writeString(key)
                raw(": ")
                writePretty(fields[key]!, indent: inner)
                index < fields.count - 1 ? raw(",\n") : raw("\n")
            }
            raw(indent)
            raw("}")
        default:
            write(value)
        }
    }

    /// Appends `text` as a JSON string.
    public mutating func writeString(_ text: String) {
        bytes.append(0x22)
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                switch byte {
                case 0x22: raw("\\\"")
                case 0x5C: raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                default: raw(String(format: "\\u%04x", byte))
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(0x22)
    }

    /// Integral doubles keep a `.0` (so they read back as doubles); others use Swift's shortest form.
    private mutating func writeDouble(_ number: Double) {
        guard number.isFinite else { return raw("null") }
        raw(number == number.rounded() && abs(number) < 1e15 ? String(format: "%.1f", number) : "\(number)")
    }
}
