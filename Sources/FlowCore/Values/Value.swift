/// A JSON-shaped value: event data, expression results and template output.
///
/// Invariant: `int` and `double` stay distinct (`2` is not `2.0` when rendered) but compare equal
/// numerically through `Value.numericEquals`; object keys are unordered and render sorted.
public enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([Value])
    case object([String: Value])

    /// The name users see in type errors: `null`, `bool`, `int`, `double`, `string`, `list`, `map`.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .double: "double"
        case .string: "string"
        case .array: "list"
        case .object: "map"
        }
    }

    /// The member named `key` of an object, else `nil` (never traps on other shapes).
    public subscript(key: String) -> Value? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    /// The value at a dotted path of object keys, e.g. `["customer", "id"]`.
    public func value(at path: some Collection<String>) -> Value? {
        var current = self
        for key in path {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }

    /// A copy with `newValue` stored at `path`, creating intermediate objects as needed.
    public func setting(_ newValue: Value, at path: ArraySlice<String>) -> Value {
        guard let key = path.first else { return newValue }
        var fields: [String: Value]
        if case .object(let existing) = self { fields = existing } else { fields = [:] }
        fields[key] = (fields[key] ?? .null).setting(newValue, at: path.dropFirst())
        return .object(fields)
    }

    /// The number as a `Double` for `int` and `double`, else `nil`.
    public var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
