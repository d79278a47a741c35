/// The type an expression is known to have before it runs; `any` when it depends on event data.
///
/// Invariant: the raw values are the type names users see in messages, matching `Value.typeName`.
public enum ExpressionType: String, Sendable, Hashable, CaseIterable {
    case bool
    case int
    case double
    case string
    case list
    case map
    case null
    case any

    /// The type of a concrete value.
    init(of value: Value) {
        switch value {
        case .null: self = .null
        case .bool: self = .bool
        case .int: self = .int
        case .double: self = .double
        case .string: self = .string
        case .array: self = .list
        case .object: self = .map
        }
    }

    /// True for `int`, `double` and `any` (which may turn out to be a number).
    var maybeNumber: Bool { self == .int || self == .double || self == .any }
}
