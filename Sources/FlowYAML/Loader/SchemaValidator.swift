import FlowCore

/// Loading, pass 1: checks a node tree against `PipelineSchema` and reports every mismatch at once.
///
/// It never stops at the first problem: an unknown key, a wrong type or a bad expression is reported and the
/// walk goes on with the next sibling, so one `flow validate` run shows everything that is wrong.
struct SchemaValidator {
    let reader: ScalarReader
    private(set) var diagnostics: [Diagnostic] = []
    /// The root's `defaults:` mapping, read when a consumer's setting may inherit keys from it.
    private var defaults: Node?
    /// Keys the object about to be checked inherits from `defaults:`, so they are not required of it; set for
    /// one object only (a consumer's `retry` or `circuit_breaker`), mirroring `PipelineDecoder.merge`.
    private var inheritedKeys: Set<String> = []

    init(environment: [String: String]) {
        reader = ScalarReader(environment: environment)
    }

    /// Checks `node`, found under `key` (nil at the root) in `context` (`consumer "billing"`), against `type`.
    mutating func check(_ node: Node, against type: SchemaType, key: String?, keyNode: Node? = nil, context: String) {
        switch type {
        case .object(let object):
            checkObject(node, object, keyNode: keyNode, context: context)
        case .dictionary(let valueType, let names):
            checkDictionary(node, of: valueType, names: names, key: key)
        case .list(let itemType, let minItems):
            checkList(node, of: itemType, minItems: minItems, key: key, context: context)
        case .string(let format):
            checkString(node, format: format, key: key ?? "value")
        case .integer(let min, let max):
            record(reader.integer(node, key: key ?? "value", in: min...max))
        case .number(let min):
            record(reader.number(node, key: key ?? "value", min: min))
        case .boolean:
            record(reader.boolean(node))
        case .data(let scope):
            checkData(node, scope: scope)
        case .oneOf(let forms):
            guard let form = Self.form(of: forms, matching: node) else {
                diagnostics.append(reader.wrongType(node, expected: type.expectedKind))
                return
            }
            check(node, against: form, key: key, keyNode: keyNode, context: context)
        case .null:
            if node.scalarValue != .null { diagnostics.append(reader.wrongType(node, expected: "nothing")) }
        case .reference(let name):
            check(node, against: PipelineSchema.definition(name), key: key, keyNode: keyNode, context: context)
        }
    }

    /// The first form whose YAML kind fits the node: null, scalar, mapping or list.
    static func form(of forms: [SchemaType], matching node: Node) -> SchemaType? {
        forms.first { candidate in
            switch (candidate, node.kind) {
            case (.null, .scalar): node.scalarValue == .null
            case (.string, .scalar), (.integer, .scalar), (.number, .scalar), (.boolean, .scalar):
                node.scalarValue != .null
            case (.object, .mapping), (.dictionary, .mapping), (.list, .sequence): true
            case (.reference(let name), _): Self.form(of: [PipelineSchema.definition(name)], matching: node) != nil
            case (.oneOf(let inner), _): Self.form(of: inner, matching: node) != nil
            default: false
            }
        }
    }

    private mutating func record<T>(_ result: Result<T, Diagnostic>) {
        if case .failure(let diagnostic) = result { diagnostics.append(diagnostic) }
    }

    private mutating func checkObject(_ node: Node, _ object: ObjectSchema, keyNode: Node?, context: String) {
        let inherited = inheritedKeys
        inheritedKeys = []
        if object.title == PipelineSchema.root.title { defaults = node.value(forKey: "defaults") }
        guard let pairs = node.mapping else {
            diagnostics.append(reader.wrongType(node, expected: "a mapping"))
            return
        }
        var present: [String: Node] = [:]
        var sawUnknownKey = false
        for pair in pairs {
            guard let name = pair.key.scalar?.text else {
                diagnostics.append(reader.wrongType(pair.key, expected: "a key"))
                continue
            }
            guard let property = object.property(name) else {
                diagnostics.append(unknownKey(name, at: pair.key, in: object, context: context))
                sawUnknownKey = true
                continue
            }
            present[name] = pair.key
            if object.title == "pipeline", name == "version", let problem = Self.versionProblem(pair.value) {
                diagnostics.append(problem)
                continue
            }
            if object.title == PipelineSchema.consumer.title, let base = defaults?.value(forKey: name)?.mapping {
                inheritedKeys = Set(base.compactMap { $0.key.scalar?.text })
            }
            check(
                pair.value,
                against: property.type,
                key: name,
                keyNode: pair.key,
                context: "\"\(name)\" in \(context)"
            )
            inheritedKeys = []
        }
        for property in object.properties
        where property.required && present[property.name] == nil && !inherited.contains(property.name) {
            diagnostics.append(
                .error(
                    .missingKey,
                    "\(context) is missing \"\(property.name)\"",
                    at: keyNode?.location ?? node.location,
                    length: keyNode?.scalar?.text.count ?? 1,
                    hint: "add \"\(property.name):\" (\(property.description.prefix(1).lowercased())"
                        + property.description.dropFirst().trimmingSuffix(".") + ")"
                )
            )
        }
        if !sawUnknownKey {
            checkExclusive(object, present: present, at: keyNode ?? node, context: context)
        }
    }

    private mutating func checkExclusive(
        _ object: ObjectSchema,
        present: [String: Node],
        at node: Node,
        context: String
    ) {
        guard !object.exclusive.isEmpty else { return }
        let used = object.exclusive.filter { present[$0] != nil }
        if used.count > 1, let second = present[used[1]] {
            diagnostics.append(
                .error(
                    .invalidValue,
                    "\(context) cannot have both \"\(used[0])\" and \"\(used[1])\"",
                    at: second.location,
                    length: used[1].count,
                    hint: "keep one of " + object.exclusive.map { "\"\($0)\"" }.joined(separator: ", ")
                )
            )
        } else if used.isEmpty, object.oneRequired {
            diagnostics.append(
                .error(
                    object.keysAreKinds ? .unknownStep : .missingKey,
                    "\(context) needs one of " + object.exclusive.map { "\"\($0)\"" }.joined(separator: ", "),
                    at: node.location
                )
            )
        }
    }

    private func unknownKey(_ name: String, at key: Node, in object: ObjectSchema, context: String) -> Diagnostic {
        let isStep = object.keysAreKinds
        let hint =
            Suggestion.hint(for: name, in: object.propertyNames)
            ?? "\(isStep ? "step kinds" : "allowed keys") are: " + object.propertyNames.joined(separator: ", ")
        return .error(
            isStep ? .unknownStep : .unknownKey,
            isStep ? "unknown step kind \"\(name)\"" : "unknown key \"\(name)\" in \(context)",
            at: key.location,
            length: name.count,
            hint: hint
        )
    }

    private mutating func checkDictionary(_ node: Node, of valueType: SchemaType, names: String, key: String?) {
        guard let pairs = node.mapping else {
            if node.scalarValue == .null { return }
            diagnostics.append(reader.wrongType(node, expected: "a mapping of \(names) names"))
            return
        }
        for pair in pairs {
            guard let name = pair.key.scalar?.text else {
                diagnostics.append(reader.wrongType(pair.key, expected: "a \(names) name"))
                continue
            }
            if let problem = Self.nameProblem(name, names: names) {
                diagnostics.append(
                    .error(
                        .invalidValue,
                        problem.message,
                        at: pair.key.location,
                        length: name.count,
                        hint: problem.hint
                    )
                )
            }
            if case .object(let object) = valueType, pair.value.scalarValue == .null,
                !object.properties.contains(where: \.required)
            {
                continue
            }
            check(pair.value, against: valueType, key: name, keyNode: pair.key, context: "\(names) \"\(name)\"")
        }
    }

    private mutating func checkList(_ node: Node, of itemType: SchemaType, minItems: Int, key: String?, context: String)
    {
        guard let items = node.sequence else {
            diagnostics.append(reader.wrongType(node, expected: "a list"))
            return
        }
        if items.count < minItems {
            diagnostics.append(
                .error(
                    .missingKey,
                    "\"\(key ?? "list")\" in \(context) is empty",
                    at: node.location,
                    hint: "give at least \(minItems) item\(minItems == 1 ? "" : "s")"
                )
            )
        }
        for (index, item) in items.enumerated() {
            check(item, against: itemType, key: key, context: "item \(index + 1) of \(context)")
        }
    }

    private mutating func checkString(_ node: Node, format: StringFormat, key: String) {
        guard node.scalar != nil, node.scalarValue != .null else {
            diagnostics.append(reader.wrongType(node, expected: format.expectedText))
            return
        }
        let text = node.scalar?.text ?? ""
        switch format {
        case .text: record(reader.text(node))
        case .identifier, .topic:
            if !Self.isName(text) {
                diagnostics.append(
                    .error(
                        .invalidValue,
                        "\"\(text)\" is not a valid name",
                        at: node.location,
                        length: text.count,
                        hint: "use letters, digits, \".\", \"_\" and \"-\""
                    )
                )
            }
        case .duration: record(reader.duration(node, key: key))
        case .rate: record(reader.rate(node, key: key))
        case .expression(let scope): record(reader.expression(node, scope: scope))
        case .template(let scope): record(reader.template(node, scope: scope))
        case .enumeration(let cases):
            if !cases.contains(text) {
                diagnostics.append(
                    .error(
                        .invalidValue,
                        "\"\(key)\" must be one of " + cases.map { "\"\($0)\"" }.joined(separator: ", ")
                            + ", found \"\(text)\"",
                        at: node.location,
                        length: text.count,
                        hint: Suggestion.hint(for: text, in: cases)
                    )
                )
            }
        }
    }

    private mutating func checkData(_ node: Node, scope: ExpressionScope?) {
        guard let scope else { return }
        switch node.kind {
        case .scalar:
            if case .string? = node.scalarValue { record(reader.template(node, scope: scope)) }
        case .mapping(let pairs):
            for pair in pairs { checkData(pair.value, scope: scope) }
        case .sequence(let items):
            for item in items { checkData(item, scope: scope) }
        }
    }

    /// The diagnostic for a `version:` this build cannot read, if it cannot.
    static func versionProblem(_ node: Node) -> Diagnostic? {
        guard case .int(let version)? = node.scalarValue, !PipelineSchema.supportedVersions.contains(version) else {
            return nil
        }
        return .error(
            .unsupportedVersion,
            "pipeline version \(version) is not supported",
            at: node.location,
            length: node.scalar?.text.count ?? 1,
            hint: "this flow reads version 1; write \"version: 1\""
        )
    }

    /// Why a user-chosen name is not allowed, if it is not: extension names follow CloudEvents (lower-case
    /// letters and digits, never an attribute's name, which `CloudEvent` reserves); topics, producers and consumers follow `isName`.
    static func nameProblem(_ name: String, names: String) -> (message: String, hint: String)? {
        switch names {
        case "extension":
            if CloudEvent.coreAttributes.contains(name) {
                return (
                    "\"\(name)\" is a CloudEvents attribute, not an extension",
                    "choose another name; attributes have keys of their own (type, subject, …) or are set by flow"
                )
            }
            let valid =
                !name.isEmpty && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
            return valid ? nil : ("\"\(name)\" is not a valid extension name", "use lower-case letters and digits only")
        case "topic", "producer", "consumer":
            return isName(name)
                ? nil : ("\"\(name)\" is not a valid \(names) name", "use letters, digits, \".\", \"_\" and \"-\"")
        default:
            return nil
        }
    }

    /// Names of topics, groups and handlers: letters, digits, `.`, `_`, `-`, not empty.
    static func isName(_ text: String) -> Bool {
        !text.isEmpty
            && text.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || $0 == "." || $0 == "_" || $0 == "-"
            }
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ suffix: String) -> Substring {
        hasSuffix(suffix) ? dropLast(suffix.count) : self
    }
}
