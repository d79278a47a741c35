import Foundation

extension Function {
    /// Runs the function on unevaluated argument nodes, so `default` and `has` can skip or inspect them.
    ///
    /// Precondition: `arguments.count` is within `arity` (the checker guarantees it).
    func evaluate(_ arguments: [Node], _ context: inout EvaluationContext) throws(EvaluationError) -> Value {
        let reader = ArgumentReader(function: self, arguments: arguments)
        switch self {
        case .size:
            switch try reader.value(0, &context) {
            case .string(let text): return .int(text.count)
            case .array(let items): return .int(items.count)
            case .object(let fields): return .int(fields.count)
            case let other: throw reader.mismatch(0, other)
            }
        case .lower: return .string(try reader.text(0, &context).lowercased())
        case .upper: return .string(try reader.text(0, &context).uppercased())
        case .trim: return .string(try reader.text(0, &context).trimmingCharacters(in: .whitespacesAndNewlines))
        case .contains: return .bool(try contains(reader, &context))
        case .startsWith:
            let text = try reader.text(0, &context)
            return .bool(text.hasPrefix(try reader.text(1, &context)))
        case .endsWith:
            let text = try reader.text(0, &context)
            return .bool(text.hasSuffix(try reader.text(1, &context)))
        case .matches:
            let text = try reader.text(0, &context)
            let source = try reader.text(1, &context)
            guard let pattern = Pattern(source) else {
                throw EvaluationError("invalid regular expression \"\(source)\"")
            }
            return .bool(pattern.matches(text))
        case .replace:
            let text = try reader.text(0, &context)
            let old = try reader.text(1, &context)
            let new = try reader.text(2, &context)
            return .string(old.isEmpty ? text : text.replacingOccurrences(of: old, with: new))
        case .split:
            let text = try reader.text(0, &context)
            let separator = try reader.text(1, &context)
            let parts = separator.isEmpty ? text.map(String.init) : text.components(separatedBy: separator)
            return .array(parts.map(Value.string))
        case .join:
            let items = try reader.list(0, &context)
            let separator = arguments.count > 1 ? try reader.text(1, &context) : ""
            return .string(items.map(\.description).joined(separator: separator))
        case .substring: return .string(try substring(reader, &context))
        case .string: return .string(try reader.value(0, &context).description)
        case .int, .double, .bool: return try convert(try reader.value(0, &context), reader)
        case .abs:
            switch try reader.value(0, &context) {
            case .int(let number) where number != .min: return .int(Swift.abs(number))
            case .int(let number): throw EvaluationError("int overflow in abs(\(number))")
            case .double(let number): return .double(Swift.abs(number))
            case let other: throw reader.mismatch(0, other)
            }
        case .min, .max: return try extreme(reader, &context)
        case .round, .floor, .ceil: return try rounded(reader, &context)
        case .has: return .bool(try arguments[0].lookup(&context) != nil)
        case .default:
            let value = try reader.value(0, &context)
            return value == .null ? try reader.value(1, &context) : value
        case .uuid: return .string(context.random.uuid())
        case .now: return .string(Timestamp.rfc3339(context.now))
        case .seq: return .int(context.seq)
        case .randomInt:
            let low = try reader.integer(0, &context)
            let high = try reader.integer(1, &context)
            guard low <= high else { throw EvaluationError("random_int() needs min <= max, got \(low) and \(high)") }
            return .int(context.random.int(in: low...high))
        case .randomFloat:
            let low = try reader.number(0, &context)
            let high = try reader.number(1, &context)
            guard low <= high, low.isFinite, high.isFinite else {
                throw EvaluationError("random_float() needs finite min <= max, got \(low) and \(high)")
            }
            return .double(context.random.double(from: low, below: high))
        }
    }

    private func contains(
        _ reader: ArgumentReader,
        _ context: inout EvaluationContext
    ) throws(EvaluationError)
        -> Bool
    {
        let container = try reader.value(0, &context)
        let item = try reader.value(1, &context)
        switch (container, item) {
        case (.array(let items), _): return items.contains { Value.numericEquals($0, item) }
        case (.string(let text), .string(let part)): return part.isEmpty || text.contains(part)
        case (.string, _):
            throw EvaluationError("contains() on a string expects a string \"item\", got \(item.typeName)")
        default: throw reader.mismatch(0, container)
        }
    }

    private func substring(
        _ reader: ArgumentReader,
        _ context: inout EvaluationContext
    ) throws(EvaluationError)
        -> String
    {
        let text = try reader.text(0, &context)
        let start = try reader.integer(1, &context)
        let count = text.count
        let end = reader.arguments.count > 2 ? try reader.integer(2, &context) : count
        guard 0 <= start, start <= end, end <= count else {
            throw EvaluationError("substring() range \(start)..<\(end) is outside a string of length \(count)")
        }
        let lower = text.index(text.startIndex, offsetBy: start)
        return String(text[lower..<text.index(lower, offsetBy: end - start)])
    }

    private func convert(_ value: Value, _ reader: ArgumentReader) throws(EvaluationError) -> Value {
        switch (self, value) {
        case (.int, .int), (.double, .double), (.bool, .bool): return value
        case (.int, .double(let number)): return .int(try Function.integral(number, for: self))
        case (.int, .string(let text)):
            guard let number = Int(text) else { throw EvaluationError("cannot convert \"\(text)\" to int") }
            return .int(number)
        case (.double, .int(let number)): return .double(Double(number))
        case (.double, .string(let text)):
            guard let number = Double(text), number.isFinite else {
                throw EvaluationError("cannot convert \"\(text)\" to double")
            }
            return .double(number)
        case (.bool, .string("true")): return .bool(true)
        case (.bool, .string("false")): return .bool(false)
        case (.bool, .string(let text)): throw EvaluationError("cannot convert \"\(text)\" to bool")
        default: throw reader.mismatch(0, value)
        }
    }

    /// `number` truncated toward zero, when it fits an int.
    private static func integral(_ number: Double, for function: Function) throws(EvaluationError) -> Int {
        guard let result = Int(exactly: number.rounded(.towardZero)) else {
            throw EvaluationError("\(function.rawValue)() cannot convert \(number) to int")
        }
        return result
    }

    private func extreme(
        _ reader: ArgumentReader,
        _ context: inout EvaluationContext
    ) throws(EvaluationError)
        -> Value
    {
        var values: [Value] = []
        for index in reader.arguments.indices {
            let value = try reader.value(index, &context)
            if reader.arguments.count == 1, case .array(let items) = value {
                values = items
            } else {
                values.append(value)
            }
        }
        guard var best = values.first else { throw EvaluationError("\(rawValue)() of an empty list") }
        for value in values {
            guard value.number != nil else {
                throw EvaluationError("\(rawValue)() expects numbers, got \(value.typeName)")
            }
            if try Value.apply(self == .min ? .less : .greater, value, best) == .bool(true) { best = value }
        }
        return best
    }

    private func rounded(
        _ reader: ArgumentReader,
        _ context: inout EvaluationContext
    ) throws(EvaluationError)
        -> Value
    {
        let value = try reader.value(0, &context)
        guard let number = value.number else { throw reader.mismatch(0, value) }
        if reader.arguments.count > 1 {
            let digits = try reader.integer(1, &context)
            guard (0...15).contains(digits) else {
                throw EvaluationError("round() expects 0 to 15 digits, got \(digits)")
            }
            let scale = pow(10, Double(digits))
            return .double((number * scale).rounded() / scale)
        }
        if case .int = value { return value }
        let rule: FloatingPointRoundingRule =
            switch self {
            case .floor: .down
            case .ceil: .up
            default: .toNearestOrAwayFromZero
            }
        return .int(try Function.integral(number.rounded(rule), for: self))
    }
}

/// Evaluates a call's arguments one at a time with type checks that name the function and parameter.
private struct ArgumentReader {
    let function: Function
    let arguments: [Node]

    func value(_ index: Int, _ context: inout EvaluationContext) throws(EvaluationError) -> Value {
        try arguments[index].evaluate(&context)
    }

    func mismatch(_ index: Int, _ value: Value) -> EvaluationError {
        EvaluationError(function.mismatch(argument: index, got: value.typeName))
    }

    func text(_ index: Int, _ context: inout EvaluationContext) throws(EvaluationError) -> String {
        let value = try value(index, &context)
        guard case .string(let text) = value else { throw mismatch(index, value) }
        return text
    }

    func integer(_ index: Int, _ context: inout EvaluationContext) throws(EvaluationError) -> Int {
        let value = try value(index, &context)
        guard case .int(let number) = value else { throw mismatch(index, value) }
        return number
    }

    func number(_ index: Int, _ context: inout EvaluationContext) throws(EvaluationError) -> Double {
        let value = try value(index, &context)
        guard let number = value.number else { throw mismatch(index, value) }
        return number
    }

    func list(_ index: Int, _ context: inout EvaluationContext) throws(EvaluationError) -> [Value] {
        let value = try value(index, &context)
        guard case .array(let items) = value else { throw mismatch(index, value) }
        return items
    }
}
