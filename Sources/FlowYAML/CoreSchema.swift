import FlowCore

/// YAML 1.2 core-schema scalar resolution, restricted to lower-case spellings (`true`, never `True` or `yes`).
///
/// Invariant: pure functions of the text and tag; documented on `Node.scalarValue`.
enum CoreSchema {
    static func resolve(_ scalar: Node.Scalar, tag: String?) -> Value? {
        let text = scalar.text
        switch tag {
        case "!!str", "!":
            return .string(text)
        case "!!null":
            return isNull(text) ? .null : nil
        case "!!bool":
            return bool(text).map(Value.bool)
        case "!!int":
            return int(text).map(Value.int)
        case "!!float":
            return (double(text) ?? int(text).map(Double.init)).map(Value.double)
        default:
            return scalar.style == .plain ? resolvePlain(text) : .string(text)
        }
    }

    private static func resolvePlain(_ text: String) -> Value {
        if isNull(text) { return .null }
        if let bool = bool(text) { return .bool(bool) }
        if let int = int(text) { return .int(int) }
        if let double = double(text) { return .double(double) }
        return .string(text)
    }

    private static func isNull(_ text: String) -> Bool {
        text.isEmpty || text == "~" || text == "null"
    }

    private static func bool(_ text: String) -> Bool? {
        switch text {
        case "true": true
        case "false": false
        default: nil
        }
    }

    /// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+` that fits in `Int`.
    static func int(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            let digits = String(decoding: bytes[2...], as: UTF8.self)
            if bytes[1] == UInt8(ascii: "x") {
                return bytes[2...].allSatisfy(isHexDigit) ? Int(digits, radix: 16) : nil
            }
            if bytes[1] == UInt8(ascii: "o") {
                return bytes[2...].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "7")).contains($0) }
                    ? Int(digits, radix: 8) : nil
            }
        }
        let unsigned =
            bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") ? bytes.dropFirst() : bytes[...]
        guard !unsigned.isEmpty, unsigned.allSatisfy(isDigit) else { return nil }
        return Int(text)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.inf` or `\.nan`.
    static func double(_ text: String) -> Double? {
        switch text {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: break
        }
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        let integer = bytes.prefix(while: isDigit)
        bytes = bytes.dropFirst(integer.count)
        var fraction: ArraySlice<UInt8> = []
        let hasPoint = bytes.first == UInt8(ascii: ".")
        if hasPoint {
            bytes = bytes.dropFirst()
            fraction = bytes.prefix(while: isDigit)
            bytes = bytes.dropFirst(fraction.count)
        }
        guard !integer.isEmpty || !fraction.isEmpty else { return nil }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "-") || bytes.first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            let exponent = bytes.prefix(while: isDigit)
            guard !exponent.isEmpty else { return nil }
            bytes = bytes.dropFirst(exponent.count)
        }
        guard bytes.isEmpty else { return nil }
        return Double(text)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
