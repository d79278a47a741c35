extension Checker {
    func call(_ name: String, _ arguments: [Syntax], _ syntax: Syntax) throws(ExpressionError) -> Typed {
        guard let function = Function(named: name) else {
            let suggestion = Suggestion.closest(to: name, in: Function.allNames)
            throw ExpressionError(
                rule: .unknownFunction,
                message: "unknown function \"\(name)\"",
                offset: syntax.offset,
                length: syntax.length,
                hint: suggestion.map { "did you mean \"\($0)\"?" } ?? "docs/expressions.md lists the functions"
            )
        }
        try checkScope(of: function, syntax)
        guard function.arity.contains(arguments.count) else {
            throw error(function.arityMismatch(got: arguments.count), at: syntax, hint: "usage: \(function.usage)")
        }
        if function == .has { return try has(arguments[0]) }
        var typed: [Typed] = []
        for argument in arguments { typed.append(try check(argument)) }
        try checkTypes(of: function, typed, arguments)
        let node = Node.call(function, typed.map(\.node))
        let type = resultType(of: function, typed.map(\.type))
        if function.readsContext { return Typed(node: node, type: type) }
        if function == .matches, case .constant(.string(let source)) = typed[1].node {
            guard let pattern = Pattern(source) else {
                throw ExpressionError(
                    rule: .expressionSyntax,
                    message: "invalid regular expression \"\(source)\"",
                    offset: arguments[1].start,
                    length: arguments[1].end - arguments[1].start,
                    hint: "matches() takes ICU regular expressions; escape special characters with \\\\"
                )
            }
            if !typed[0].node.isConstant { return Typed(node: .matches(typed[0].node, pattern), type: .bool) }
        }
        return try fold(node, type, typed, at: syntax)
    }

    private func checkScope(of function: Function, _ syntax: Syntax) throws(ExpressionError) {
        if function == .seq && scope != .producer {
            throw error(
                "seq() is only available in producer templates",
                at: syntax,
                hint: "seq() numbers the events a producer generates"
            )
        }
        if scope == .partitionKey && function.isRandomOrClock {
            throw error(
                "a partition key must be deterministic; \"\(function.rawValue)\" differs on every call",
                at: syntax,
                hint: "key on event fields, e.g. data.customer_id"
            )
        }
    }

    /// `has(path)`: the argument is inspected, not evaluated; `has(env.NAME)` is decided at load time.
    private func has(_ argument: Syntax) throws(ExpressionError) -> Typed {
        if case .member(let base, let name) = argument.kind, case .name("env") = base.kind {
            return Typed(node: .constant(.bool(environment[name] != nil)), type: .bool)
        }
        let path = try check(argument)
        guard path.node.isFieldPath else {
            throw error(
                "has() needs a field path such as data.customer",
                operand: argument,
                hint: "has(data.customer) is true when the field exists, even if it is null"
            )
        }
        return Typed(node: .call(.has, [path.node]), type: .bool)
    }

    private func checkTypes(of function: Function, _ typed: [Typed], _ arguments: [Syntax]) throws(ExpressionError) {
        let hint = "usage: \(function.usage)"
        for (index, argument) in typed.enumerated() where argument.type != .any {
            let accepted = function.parameters[min(index, function.parameters.count - 1)].types
            if !accepted.isEmpty && !accepted.contains(argument.type) {
                throw error(
                    function.mismatch(argument: index, got: argument.type.rawValue),
                    operand: arguments[index],
                    hint: hint
                )
            }
            if function.isVariadic && typed.count > 1 && argument.type == .list {
                throw error(
                    "\(function.rawValue)() expects numbers, got list",
                    operand: arguments[index],
                    hint: "pass one list, \(function.rawValue)(list), or several numbers"
                )
            }
        }
        if function == .contains, typed[0].type == .string, typed[1].type != .string, typed[1].type != .any {
            throw error(
                "contains() on a string expects a string \"item\", got \(typed[1].type.rawValue)",
                operand: arguments[1],
                hint: hint
            )
        }
    }

    private func resultType(of function: Function, _ types: [ExpressionType]) -> ExpressionType {
        switch function {
        case .size, .seq, .randomInt, .int, .floor, .ceil: return .int
        case .lower, .upper, .trim, .replace, .join, .substring, .string, .uuid, .now: return .string
        case .contains, .startsWith, .endsWith, .matches, .has, .bool: return .bool
        case .split: return .list
        case .double, .randomFloat: return .double
        case .round: return types.count > 1 ? .double : .int
        case .abs: return types[0]
        case .min, .max:
            let first = types[0]
            return types.count > 1 && (first == .int || first == .double) && types.allSatisfy({ $0 == first })
                ? first : .any
        case .default: return types[0] == .null ? types[1] : types[0]
        }
    }
}
