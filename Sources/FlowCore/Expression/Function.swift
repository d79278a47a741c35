/// The built-in functions, callable as `f(x, y)` or method style as `x.f(y)`.
///
/// Invariant: the raw value is the name users write; `len` is the one alias (of `size`). The catalogue below
/// (parameters, usage) drives both load-time checks and run-time messages, so they always agree.
enum Function: String, CaseIterable, Sendable {
    case size
    case lower
    case upper
    case trim
    case contains
    case startsWith = "starts_with"
    case endsWith = "ends_with"
    case matches
    case replace
    case split
    case join
    case substring
    case string
    case int
    case double
    case bool
    case abs
    case min
    case max
    case round
    case floor
    case ceil
    case has
    case `default`
    case uuid
    case now
    case seq
    case randomInt = "random_int"
    case randomFloat = "random_float"

    /// The function a name calls, accepting the alias `len`.
    init?(named name: String) {
        if name == "len" {
            self = .size
        } else {
            self.init(rawValue: name)
        }
    }

    /// Every callable name, for did-you-mean hints.
    static let allNames: [String] = allCases.map(\.rawValue) + ["len"]

    /// One declared parameter: accepted types (empty: any value) and whether it may be left out.
    struct Parameter: Sendable {
        var name: String
        var types: [ExpressionType]
        var isOptional = false
    }

    var parameters: [Parameter] {
        let text: [ExpressionType] = [.string]
        let number: [ExpressionType] = [.int, .double]
        let convertible: [ExpressionType] = [.int, .double, .string]
        switch self {
        case .size: return [Parameter(name: "x", types: [.string, .list, .map])]
        case .lower, .upper, .trim: return [Parameter(name: "s", types: text)]
        case .contains: return [Parameter(name: "x", types: [.string, .list]), Parameter(name: "item", types: [])]
        case .startsWith: return [Parameter(name: "s", types: text), Parameter(name: "prefix", types: text)]
        case .endsWith: return [Parameter(name: "s", types: text), Parameter(name: "suffix", types: text)]
        case .matches: return [Parameter(name: "s", types: text), Parameter(name: "pattern", types: text)]
        case .replace:
            return [
                Parameter(name: "s", types: text), Parameter(name: "old", types: text),
                Parameter(name: "new", types: text),
            ]
        case .split: return [Parameter(name: "s", types: text), Parameter(name: "separator", types: text)]
        case .join:
            return [
                Parameter(name: "list", types: [.list]), Parameter(name: "separator", types: text, isOptional: true),
            ]
        case .substring:
            return [
                Parameter(name: "s", types: text), Parameter(name: "start", types: [.int]),
                Parameter(name: "end", types: [.int], isOptional: true),
            ]
        case .string: return [Parameter(name: "x", types: [])]
        case .int, .double: return [Parameter(name: "x", types: convertible)]
        case .bool: return [Parameter(name: "x", types: [.bool, .string])]
        case .abs, .floor, .ceil: return [Parameter(name: "n", types: number)]
        case .round:
            return [Parameter(name: "n", types: number), Parameter(name: "digits", types: [.int], isOptional: true)]
        case .min, .max: return [Parameter(name: "values", types: [.int, .double, .list])]
        case .has: return [Parameter(name: "path", types: [])]
        case .default: return [Parameter(name: "x", types: []), Parameter(name: "fallback", types: [])]
        case .uuid, .now, .seq: return []
        case .randomInt: return [Parameter(name: "min", types: [.int]), Parameter(name: "max", types: [.int])]
        case .randomFloat: return [Parameter(name: "min", types: number), Parameter(name: "max", types: number)]
        }
    }

    /// `min` and `max` take any number of values (or one list).
    var isVariadic: Bool { self == .min || self == .max }

    /// How many arguments the function accepts.
    var arity: ClosedRange<Int> {
        let required = parameters.filter { !$0.isOptional }.count
        return required...(isVariadic ? Int.max : parameters.count)
    }

    /// The call as the docs show it: `substring(s, start, end?)`, `min(values...)`.
    var usage: String {
        let names = parameters.map { $0.name + ($0.isOptional ? "?" : "") + (isVariadic ? "..." : "") }
        return "\(rawValue)(\(names.joined(separator: ", ")))"
    }

    /// True for functions that read the context (random, clock, counter): never folded at load time.
    var readsContext: Bool {
        switch self {
        case .uuid, .now, .seq, .randomInt, .randomFloat: true
        default: false
        }
    }

    /// True for functions whose result differs on every call, which a partition key must not use.
    var isRandomOrClock: Bool { readsContext && self != .seq }

    /// The arity message, e.g. `substring() takes 2 or 3 arguments, got 1`.
    func arityMismatch(got count: Int) -> String {
        let range = arity
        let expected: String
        if range.upperBound == Int.max {
            expected = "at least \(range.lowerBound) argument\(range.lowerBound == 1 ? "" : "s")"
        } else if range.lowerBound == range.upperBound {
            expected =
                range.lowerBound == 0
                ? "no arguments" : "\(range.lowerBound) argument\(range.lowerBound == 1 ? "" : "s")"
        } else if range.upperBound == range.lowerBound + 1 {
            expected = "\(range.lowerBound) or \(range.upperBound) arguments"
        } else {
            expected = "\(range.lowerBound) to \(range.upperBound) arguments"
        }
        return "\(rawValue)() takes \(expected), got \(count)"
    }

    /// The type message for argument `index` (0-based), e.g. `substring() expects int for "start", got string`.
    func mismatch(argument index: Int, got actual: String) -> String {
        let parameter = parameters[Swift.min(index, parameters.count - 1)]
        let expected = Function.describe(parameter.types)
        if parameters.count == 1 { return "\(rawValue)() expects \(expected), got \(actual)" }
        return "\(rawValue)() expects \(expected) for \"\(parameter.name)\", got \(actual)"
    }

    /// `string, list or map`.
    static func describe(_ types: [ExpressionType]) -> String {
        let names = types.map(\.rawValue)
        guard names.count > 1 else { return names.first ?? "any value" }
        return names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
    }
}
