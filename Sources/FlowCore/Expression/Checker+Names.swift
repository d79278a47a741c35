extension Checker {
    /// The names that read the event being processed.
    static let eventNames = Node.EventAttribute.allCases.map(\.rawValue) + ["data", "ext", "attempt"]

    /// Every name the language knows, in any scope.
    static let allNames = eventNames + ["env"]

    /// The names usable in this scope, for did-you-mean hints.
    var namesInScope: [String] {
        switch scope {
        case .producer: ["env"]
        case .consumer: Checker.allNames
        case .partitionKey: Checker.allNames.filter { $0 != "attempt" }
        }
    }

    func resolve(name: String, _ syntax: Syntax) throws(ExpressionError) -> Typed {
        if let attribute = Node.EventAttribute(rawValue: name) {
            try requireEvent(name, syntax)
            let optional: [Node.EventAttribute] = [.subject, .time, .datacontenttype]
            return Typed(node: .attribute(attribute), type: optional.contains(attribute) ? .any : .string)
        }
        switch name {
        case "data":
            try requireEvent(name, syntax)
            return Typed(node: .data([]), type: .any)
        case "attempt":
            try requireEvent(name, syntax)
            guard scope == .consumer else {
                throw error(
                    "\"attempt\" is not available in a partition key",
                    at: syntax,
                    hint: "a partition key must be deterministic; use event attributes or data fields"
                )
            }
            return Typed(node: .attempt, type: .int)
        case "ext":
            try requireEvent(name, syntax)
            throw needsName(name, at: syntax)
        case "env":
            throw needsName(name, at: syntax)
        default:
            throw unknownName(name, syntax)
        }
    }

    /// Rejects event names in producer templates, which run before any event exists.
    func requireEvent(_ name: String, _ syntax: Syntax) throws(ExpressionError) {
        guard scope == .producer else { return }
        throw error(
            "\"\(name)\" is not available in a producer template",
            at: syntax,
            hint: "a producer creates events, so there is none to read; use uuid(), seq(), now(), random_int(a, b) "
                + "or env.NAME"
        )
    }

    /// `env.NAME`, replaced by the variable's value at load time.
    func environmentVariable(_ name: String, _ syntax: Syntax) throws(ExpressionError) -> Typed {
        guard let value = environment[name] else {
            throw ExpressionError(
                rule: .envMissing,
                message: "environment variable \"\(name)\" is not set",
                offset: syntax.start,
                length: syntax.end - syntax.start,
                hint: "set \(name) or write ${env.\(name):-fallback}"
            )
        }
        return Typed(node: .constant(.string(value)), type: .string)
    }

    /// `env` or `ext` without `.NAME`.
    func needsName(_ name: String, at syntax: Syntax) -> ExpressionError {
        let example = name == "env" ? "env.HOME" : "ext.region"
        return error("\"\(name)\" needs a name after \".\", as in \(example)", at: syntax, hint: "write \(example)")
    }

    private func unknownName(_ name: String, _ syntax: Syntax) -> ExpressionError {
        let hint: String
        if let suggestion = Suggestion.closest(to: name, in: namesInScope) {
            hint = "did you mean \"\(suggestion)\"?"
        } else if Function(named: name) != nil {
            hint = "call it: \(name)()"
        } else if scope == .producer {
            hint = "a producer template can use env.NAME and functions such as uuid(), seq() and now()"
        } else {
            hint = "names here are " + namesInScope.joined(separator: ", ")
        }
        return error("unknown name \"\(name)\"", at: syntax, hint: hint)
    }
}
