extension Node {
    /// The node's value; a missing field or key is `null`, never an error.
    func evaluate(_ context: inout EvaluationContext) throws(EvaluationError) -> Value {
        switch self {
        case .constant(let value):
            return value
        case .attribute, .data, .extensionAttribute, .path:
            return try lookup(&context) ?? .null
        case .attempt:
            return .int(context.attempt)
        case .list(let elements):
            var values: [Value] = []
            values.reserveCapacity(elements.count)
            for element in elements { values.append(try element.evaluate(&context)) }
            return .array(values)
        case .map(let entries):
            var fields: [String: Value] = [:]
            for entry in entries {
                let key = try entry.key.evaluate(&context)
                guard case .string(let name) = key else {
                    throw EvaluationError("map keys must be strings, got \(key.typeName)")
                }
                fields[name] = try entry.value.evaluate(&context)
            }
            return .object(fields)
        case .not(let operand):
            let value = try operand.evaluate(&context)
            guard case .bool(let flag) = value else {
                throw EvaluationError("cannot apply \"!\" to \(value.typeName)")
            }
            return .bool(!flag)
        case .negate(let operand):
            switch try operand.evaluate(&context) {
            case .int(let number):
                guard number != .min else { throw EvaluationError("int overflow in -(\(number))") }
                return .int(-number)
            case .double(let number):
                return .double(-number)
            case let other:
                throw EvaluationError("cannot apply \"-\" to \(other.typeName)")
            }
        case .and(let lhs, let rhs):
            guard try lhs.condition(&context, of: .and) else { return .bool(false) }
            return .bool(try rhs.condition(&context, of: .and))
        case .or(let lhs, let rhs):
            if try lhs.condition(&context, of: .or) { return .bool(true) }
            return .bool(try rhs.condition(&context, of: .or))
        case .equal(let lhs, let rhs):
            return .bool(Value.numericEquals(try lhs.evaluate(&context), try rhs.evaluate(&context)))
        case .notEqual(let lhs, let rhs):
            return .bool(!Value.numericEquals(try lhs.evaluate(&context), try rhs.evaluate(&context)))
        case .binary(let op, let lhs, let rhs):
            let left = try lhs.evaluate(&context)
            return try Value.apply(op, left, try rhs.evaluate(&context))
        case .conditional(let condition, let then, let otherwise):
            let value = try condition.evaluate(&context)
            guard case .bool(let flag) = value else {
                throw EvaluationError("the condition before \"?\" must be bool, got \(value.typeName)")
            }
            return try (flag ? then : otherwise).evaluate(&context)
        case .call(let function, let arguments):
            return try function.evaluate(arguments, &context)
        case .matches(let text, let pattern):
            let value = try text.evaluate(&context)
            guard case .string(let string) = value else {
                throw EvaluationError(Function.matches.mismatch(argument: 0, got: value.typeName))
            }
            return .bool(pattern.matches(string))
        }
    }

    /// A `&&`/`||` operand, which must be a bool.
    private func condition(
        _ context: inout EvaluationContext,
        of op: Syntax.BinaryOperator
    ) throws(EvaluationError)
        -> Bool
    {
        let value = try evaluate(&context)
        guard case .bool(let flag) = value else {
            throw EvaluationError("\"\(op.rawValue)\" needs bool operands, got \(value.typeName)")
        }
        return flag
    }

    /// The value at a path, or nil when a field along it is missing (how `has()` tells absent from null).
    func lookup(_ context: inout EvaluationContext) throws(EvaluationError) -> Value? {
        switch self {
        case .attribute(let attribute):
            guard context.event != nil else { throw Node.noEvent(attribute.rawValue) }
            return switch attribute {
            case .id: (context.event?.id).map(Value.string)
            case .source: (context.event?.source).map(Value.string)
            case .type: (context.event?.type).map(Value.string)
            case .specversion: .string(CloudEvent.specversion)
            case .subject: context.event?.subject.map(Value.string)
            case .time: context.event?.time.map(Value.string)
            case .datacontenttype: context.event?.datacontenttype.map(Value.string)
            }
        case .data(let steps):
            guard let data = context.event?.data else { throw Node.noEvent("data") }
            if steps.isEmpty, data == .null { return .none }
            return try Node.follow(steps, from: data, &context)
        case .extensionAttribute(let name, let steps):
            guard context.event != nil else { throw Node.noEvent("ext.\(name)") }
            guard let value = context.event?.extensions[name] else { return .none }
            return try Node.follow(steps, from: value, &context)
        case .path(let base, let steps):
            return try Node.follow(steps, from: try base.evaluate(&context), &context)
        default:
            return try evaluate(&context)
        }
    }

    private static func noEvent(_ name: String) -> EvaluationError {
        EvaluationError("\"\(name)\" needs an event, but none is being processed")
    }

    private static func follow(
        _ steps: [PathStep],
        from start: Value,
        _ context: inout EvaluationContext
    )
        throws(EvaluationError) -> Value?
    {
        var current = start
        for step in steps {
            let next: Value?
            switch step {
            case .key(let key): next = try field(key, of: current)
            case .index(let index): next = try element(index, of: current)
            case .dynamic(let node):
                switch try node.evaluate(&context) {
                case .string(let key): next = try field(key, of: current)
                case .int(let index): next = try element(index, of: current)
                case let other: throw EvaluationError("an index must be int or string, got \(other.typeName)")
                }
            }
            guard let next else { return .none }
            current = next
        }
        return current
    }

    private static func field(_ key: String, of value: Value) throws(EvaluationError) -> Value? {
        switch value {
        case .object(let fields): return fields[key]
        case .null: return .none
        default: throw EvaluationError("cannot read field \"\(key)\" of \(value.typeName)")
        }
    }

    private static func element(_ index: Int, of value: Value) throws(EvaluationError) -> Value? {
        switch value {
        case .array(let items): return items.indices.contains(index) ? items[index] : .none
        case .null: return .none
        default: throw EvaluationError("cannot index \(value.typeName) with int")
        }
    }
}
