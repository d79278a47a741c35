/// The run-time meaning of the expression operators; `Checker` rejects statically what these reject.
extension Value {
    /// Deep equality where `int` and `double` compare by numeric value (`2 == 2.0`); other kinds never mix.
    static func numericEquals(_ lhs: Value, _ rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): a == b
        case (.int(let a), .double(let b)): Double(a) == b
        case (.double(let a), .int(let b)): a == Double(b)
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { numericEquals($0, $1) }
        case (.object(let a), .object(let b)):
            a.count == b.count && a.allSatisfy { key, value in b[key].map { numericEquals(value, $0) } ?? false }
        default: lhs == rhs
        }
    }

    /// The message for an operator applied to operands it does not take (shared by load time and run time).
    static func operatorMismatch(_ op: Syntax.BinaryOperator, _ lhs: String, _ rhs: String) -> String {
        "cannot apply \"\(op.rawValue)\" to \(lhs) and \(rhs)"
    }

    /// `+ - * / %`, `< <= > >=` and `in`.
    static func apply(_ op: Syntax.BinaryOperator, _ lhs: Value, _ rhs: Value) throws(EvaluationError) -> Value {
        switch op {
        case .add, .subtract, .multiply, .divide, .remainder: try arithmetic(op, lhs, rhs)
        case .less, .lessOrEqual, .greater, .greaterOrEqual: .bool(try order(op, lhs, rhs))
        case .in: .bool(try membership(lhs, in: rhs))
        case .equal: .bool(numericEquals(lhs, rhs))
        case .notEqual: .bool(!numericEquals(lhs, rhs))
        case .and, .or:
            switch (lhs, rhs) {
            case (.bool(let a), .bool(let b)): .bool(op == .and ? a && b : a || b)
            default: throw EvaluationError(operatorMismatch(op, lhs.typeName, rhs.typeName))
            }
        }
    }

    private static func arithmetic(
        _ op: Syntax.BinaryOperator,
        _ lhs: Value,
        _ rhs: Value
    ) throws(EvaluationError)
        -> Value
    {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)):
            return .int(try integer(op, a, b))
        case (.int, .double), (.double, .int), (.double, .double):
            return .double(try floating(op, lhs.number ?? 0, rhs.number ?? 0))
        case (.string(let a), .string(let b)) where op == .add:
            return .string(a + b)
        case (.array(let a), .array(let b)) where op == .add:
            return .array(a + b)
        default:
            throw EvaluationError(operatorMismatch(op, lhs.typeName, rhs.typeName))
        }
    }

    private static func integer(_ op: Syntax.BinaryOperator, _ a: Int, _ b: Int) throws(EvaluationError) -> Int {
        if (op == .divide || op == .remainder) && b == 0 {
            throw EvaluationError(op == .divide ? "division by zero" : "modulo by zero")
        }
        let (result, overflow) =
            switch op {
            case .add: a.addingReportingOverflow(b)
            case .subtract: a.subtractingReportingOverflow(b)
            case .multiply: a.multipliedReportingOverflow(by: b)
            case .divide: a.dividedReportingOverflow(by: b)
            default: a.remainderReportingOverflow(dividingBy: b)
            }
        if overflow { throw EvaluationError("int overflow in \(a) \(op.rawValue) \(b)") }
        return result
    }

    private static func floating(
        _ op: Syntax.BinaryOperator,
        _ a: Double,
        _ b: Double
    ) throws(EvaluationError)
        -> Double
    {
        switch op {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide:
            if b == 0 { throw EvaluationError("division by zero") }
            return a / b
        default:
            if b == 0 { throw EvaluationError("modulo by zero") }
            return a.truncatingRemainder(dividingBy: b)
        }
    }

    private static func order(
        _ op: Syntax.BinaryOperator,
        _ lhs: Value,
        _ rhs: Value
    ) throws(EvaluationError)
        -> Bool
    {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)): return compare(op, a, b)
        case (.int, .double), (.double, .int), (.double, .double): return compare(op, lhs.number ?? 0, rhs.number ?? 0)
        case (.string(let a), .string(let b)): return compare(op, a, b)
        default: throw EvaluationError(operatorMismatch(op, lhs.typeName, rhs.typeName))
        }
    }

    private static func compare<T: Comparable>(_ op: Syntax.BinaryOperator, _ a: T, _ b: T) -> Bool {
        switch op {
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        default: a >= b
        }
    }

    private static func membership(_ element: Value, in container: Value) throws(EvaluationError) -> Bool {
        switch (element, container) {
        case (_, .array(let items)): return items.contains { numericEquals($0, element) }
        case (.string(let key), .object(let fields)): return fields[key] != nil
        case (.string(let part), .string(let whole)): return part.isEmpty || whole.contains(part)
        default: throw EvaluationError(operatorMismatch(.in, element.typeName, container.typeName))
        }
    }
}
