import Foundation

/// Turns a `Syntax` tree into a `Node`: resolves names (per scope) and functions, infers static types
/// bottom-up, rejects operations that cannot work on the known types, and folds sub-trees that have no
/// run-time inputs into constants.
///
/// Invariant: every error it throws points into the source text (`Syntax` anchors or operand spans); a
/// constant sub-tree that always fails to evaluate (`1 / 0`, `int("x")`) is a load-time error.
struct Checker {
    /// A resolved node with the type it is known to have before it runs.
    struct Typed {
        var node: Node
        var type: ExpressionType
    }

    let scope: ExpressionScope
    let environment: [String: String]

    /// What constant folding evaluates with: no event, a fixed seed and clock (impure functions never fold).
    private static let foldingContext = EvaluationContext(
        random: SeededRandom(seed: 0),
        now: Date(timeIntervalSince1970: 0)
    )

    func check(_ syntax: Syntax) throws(ExpressionError) -> Typed {
        switch syntax.kind {
        case .literal(let value):
            return Typed(node: .constant(value), type: ExpressionType(of: value))
        case .name(let name):
            return try resolve(name: name, syntax)
        case .list(let elements):
            var typed: [Typed] = []
            for element in elements { typed.append(try check(element)) }
            return try fold(.list(typed.map(\.node)), .list, typed, at: syntax)
        case .map(let entries):
            var typed: [Typed] = []
            var nodes: [(key: Node, value: Node)] = []
            for entry in entries {
                let key = try mapKey(entry.key)
                let value = try check(entry.value)
                typed += [key, value]
                nodes.append((key.node, value.node))
            }
            return try fold(.map(nodes), .map, typed, at: syntax)
        case .unary(let op, let operand):
            return try unary(op, try check(operand), syntax)
        case .binary(let op, let lhs, let rhs):
            return try binary(op, try check(lhs), try check(rhs), syntax)
        case .conditional(let condition, let then, let otherwise):
            return try conditional(condition, then, otherwise, syntax)
        case .member(let base, let field):
            return try member(base, field, syntax)
        case .index(let base, let index):
            return try self.index(base, index, syntax)
        case .call(let name, let arguments):
            return try call(name, arguments, syntax)
        }
    }

    // MARK: Operators

    private func unary(_ op: Syntax.UnaryOperator, _ operand: Typed, _ syntax: Syntax) throws(ExpressionError) -> Typed
    {
        switch op {
        case .not:
            guard operand.type == .bool || operand.type == .any else {
                throw error(
                    "cannot apply \"!\" to \(operand.type.rawValue)",
                    at: syntax,
                    hint: "\"!\" negates a bool; compare explicitly, e.g. data.note == null"
                )
            }
            return try fold(.not(operand.node), .bool, [operand], at: syntax)
        case .negate:
            guard operand.type.maybeNumber else {
                throw error(
                    "cannot apply \"-\" to \(operand.type.rawValue)",
                    at: syntax,
                    hint: "\"-\" negates an int or double"
                )
            }
            return try fold(.negate(operand.node), operand.type, [operand], at: syntax)
        }
    }

    private func binary(
        _ op: Syntax.BinaryOperator,
        _ left: Typed,
        _ right: Typed,
        _ syntax: Syntax
    )
        throws(ExpressionError) -> Typed
    {
        let (lhs, rhs) = (left.type, right.type)
        let type: ExpressionType?
        let hint: String
        switch op {
        case .and, .or:
            let isBool = { (type: ExpressionType) in type == .bool || type == .any }
            type = isBool(lhs) && isBool(rhs) ? .bool : nil
            hint = "\"\(op.rawValue)\" combines bools; compare explicitly, e.g. data.count > 0"
        case .equal, .notEqual:
            type = .bool
            hint = ""
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let comparable =
                lhs == .any || rhs == .any || (lhs.maybeNumber && rhs.maybeNumber) || (lhs == .string && rhs == .string)
            type = comparable ? .bool : nil
            hint = "\"\(op.rawValue)\" compares numbers with numbers and strings with strings"
        case .in:
            let possible =
                switch rhs {
                case .list, .any: true
                case .map, .string: lhs == .string || lhs == .any
                default: false
                }
            type = possible ? .bool : nil
            hint = "\"in\" looks for an element in a list, a key in a map or a substring in a string"
        case .add:
            type = Checker.additionType(lhs, rhs)
            hint = "\"+\" adds numbers or joins two strings or two lists; convert with string(x) first"
        case .subtract, .multiply, .divide, .remainder:
            type = lhs.maybeNumber && rhs.maybeNumber ? Checker.arithmeticType(lhs, rhs) : nil
            hint = "\"\(op.rawValue)\" needs int or double operands"
        }
        guard let type else {
            throw error(Value.operatorMismatch(op, lhs.rawValue, rhs.rawValue), at: syntax, hint: hint)
        }
        if op == .divide || op == .remainder, case .constant(let divisor) = right.node, divisor.number == 0 {
            let message = op == .divide ? "division by zero" : "modulo by zero"
            throw error(message, at: syntax, hint: "the divisor is always 0")
        }
        let node: Node =
            switch op {
            case .and: .and(left.node, right.node)
            case .or: .or(left.node, right.node)
            case .equal: .equal(left.node, right.node)
            case .notEqual: .notEqual(left.node, right.node)
            default: .binary(op, left.node, right.node)
            }
        return try fold(node, type, [left, right], at: syntax)
    }

    private static func arithmeticType(_ lhs: ExpressionType, _ rhs: ExpressionType) -> ExpressionType {
        if lhs == .any || rhs == .any { return .any }
        return lhs == .int && rhs == .int ? .int : .double
    }

    private static func additionType(_ lhs: ExpressionType, _ rhs: ExpressionType) -> ExpressionType? {
        if lhs.maybeNumber && rhs.maybeNumber { return arithmeticType(lhs, rhs) }
        for joined in [ExpressionType.string, .list]
        where (lhs == joined || lhs == .any) && (rhs == joined || rhs == .any) {
            return joined
        }
        return nil
    }

    private func conditional(
        _ condition: Syntax,
        _ then: Syntax,
        _ otherwise: Syntax,
        _ syntax: Syntax
    )
        throws(ExpressionError) -> Typed
    {
        let test = try check(condition)
        guard test.type == .bool || test.type == .any else {
            throw error(
                "the condition before \"?\" must be bool, got \(test.type.rawValue)",
                at: syntax,
                hint: "compare explicitly, e.g. data.count > 0 ? \"some\" : \"none\""
            )
        }
        let first = try check(then)
        let second = try check(otherwise)
        if case .constant(.bool(let flag)) = test.node { return flag ? first : second }
        return Typed(
            node: .conditional(test.node, first.node, second.node),
            type: first.type == second.type ? first.type : .any
        )
    }

    // MARK: Paths

    private func member(_ base: Syntax, _ field: String, _ syntax: Syntax) throws(ExpressionError) -> Typed {
        if case .name("env") = base.kind { return try environmentVariable(field, syntax) }
        if case .name("ext") = base.kind {
            try requireEvent("ext", base)
            return Typed(node: .extensionAttribute(field, []), type: .any)
        }
        let object = try check(base)
        guard object.type == .map || object.type == .any || object.type == .null else {
            let hint =
                Function(named: field) != nil
                ? "call it as a method: \(field)()" : "only maps have fields; event data is read with data.NAME"
            throw error("cannot read field \"\(field)\" of \(object.type.rawValue)", at: syntax, hint: hint)
        }
        return try fold(object.node.appending(.key(field)), .any, [object], at: syntax)
    }

    private func index(_ base: Syntax, _ index: Syntax, _ syntax: Syntax) throws(ExpressionError) -> Typed {
        if case .name(let name) = base.kind, name == "env" || name == "ext" {
            throw needsName(name, at: base)
        }
        let container = try check(base)
        let key = try check(index)
        let hint = "write list[0] or map[\"key\"]"
        switch (container.type, key.type) {
        case (_, .any), (.list, .int), (.map, .string), (.any, .int), (.any, .string), (.null, .int), (.null, .string):
            break
        case (.list, _):
            throw error("a list index must be int, got \(key.type.rawValue)", operand: index, hint: hint)
        case (.map, _):
            throw error("a map key must be string, got \(key.type.rawValue)", operand: index, hint: hint)
        case (.any, _), (.null, _):
            throw error("an index must be int or string, got \(key.type.rawValue)", operand: index, hint: hint)
        default:
            throw error(
                "cannot index \(container.type.rawValue)",
                at: syntax,
                hint: "only lists and maps can be indexed"
            )
        }
        let step: Node.PathStep =
            switch key.node {
            case .constant(.string(let name)): .key(name)
            case .constant(.int(let position)): .index(position)
            default: .dynamic(key.node)
            }
        return try fold(container.node.appending(step), .any, [container, key], at: syntax)
    }

    private func mapKey(_ syntax: Syntax) throws(ExpressionError) -> Typed {
        if case .name(let name) = syntax.kind, !Checker.allNames.contains(name) {
            throw error("unknown name \"\(name)\"", operand: syntax, hint: "quote map keys: {\"\(name)\": ...}")
        }
        let key = try check(syntax)
        guard key.type == .string || key.type == .any else {
            throw error("map keys must be strings, got \(key.type.rawValue)", operand: syntax, hint: nil)
        }
        return key
    }

    // MARK: Folding and errors

    /// `node` itself, or its value when every child is a constant; `node` must not read the context.
    func fold(
        _ node: Node,
        _ type: ExpressionType,
        _ children: [Typed],
        at syntax: Syntax
    ) throws(ExpressionError)
        -> Typed
    {
        guard children.allSatisfy(\.node.isConstant) else { return Typed(node: node, type: type) }
        var context = Checker.foldingContext
        do throws(EvaluationError) {
            let value = try node.evaluate(&context)
            return Typed(node: .constant(value), type: ExpressionType(of: value))
        } catch {
            throw self.error(error.message, at: syntax, hint: "this part has no run-time inputs, so it always fails")
        }
    }

    /// A type error at a node's anchor (its operator or name).
    func error(_ message: String, at syntax: Syntax, hint: String?) -> ExpressionError {
        ExpressionError(
            rule: .expressionType,
            message: message,
            offset: syntax.offset,
            length: syntax.length,
            hint: hint
        )
    }

    /// A type error spanning a whole operand.
    func error(_ message: String, operand syntax: Syntax, hint: String?) -> ExpressionError {
        ExpressionError(
            rule: .expressionType,
            message: message,
            offset: syntax.start,
            length: max(1, syntax.end - syntax.start),
            hint: hint
        )
    }
}
