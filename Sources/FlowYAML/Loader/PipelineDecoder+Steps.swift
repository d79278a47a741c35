import FlowCore

extension PipelineDecoder {
    mutating func decodeSteps(_ node: Node?, owner: String) -> [Step] {
        (node?.sequence ?? []).compactMap { decodeStep($0, owner: owner) }
    }

    private mutating func decodeStep(_ node: Node, owner: String) -> Step? {
        if node.scalar?.text == "drop" { return Step(.drop(when: nil), location: node.location) }
        guard let pairs = node.mapping, pairs.count == 1, let kind = pairs[0].key.scalar?.text else { return nil }
        let body = pairs[0].value
        let location = pairs[0].key.location
        let decoded: Step.Kind?
        switch kind {
        case "log": decoded = decodeLog(body)
        case "set": decoded = decodeSet(body)
        case "filter": decoded = expression(body).map(Step.Kind.filter)
        case "emit": decoded = decodeEmit(body, owner: owner)
        case "route": decoded = decodeRoute(body, owner: owner)
        case "delay": decoded = (try? reader.duration(body, key: "").get()).map(Step.Kind.delay)
        case "fail": decoded = decodeFail(body)
        case "drop":
            decoded = .drop(when: body.mapping != nil ? expression(body.value(forKey: "when")) : expression(body))
        case "exec": decoded = decodeExec(body)
        case "http": decoded = decodeHTTP(body)
        case "swift": decoded = decodeSwift(body)
        default: decoded = nil
        }
        return decoded.map { Step($0, location: location) }
    }

    private func expression(_ node: Node?) -> Expression? {
        node.flatMap { try? reader.expression($0, scope: .consumer).get() }
    }

    private func template(_ node: Node?) -> Template? {
        node.flatMap { try? reader.template($0, scope: .consumer).get() }
    }

    private func decodeLog(_ node: Node) -> Step.Kind? {
        guard node.mapping != nil else { return template(node).map { .log(Step.Log(message: $0)) } }
        guard let message = template(node.value(forKey: "message")) else { return nil }
        let level = node.value(forKey: "level").flatMap(ScalarReader.rawText).flatMap(Step.Log.Level.init) ?? .info
        return .log(Step.Log(message: message, level: level))
    }

    /// Targets are `data`, `data.<path>`, `type`, `subject` and `ext.<name>`.
    private mutating func decodeSet(_ node: Node) -> Step.Kind? {
        var assignments: [Step.Assignment] = []
        for pair in node.mapping ?? [] {
            guard let target = pair.key.scalar?.text else { continue }
            let path = target.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let valid: Bool
            switch path.first {
            case "data": valid = !path.contains("")
            case "type", "subject": valid = path.count == 1
            case "ext": valid = path.count == 2 && SchemaValidator.nameProblem(path[1], names: "extension") == nil
            default: valid = false
            }
            guard valid else {
                let problem =
                    path.count == 2 && path[0] == "ext" ? SchemaValidator.nameProblem(path[1], names: "extension") : nil
                diagnostics.append(
                    .error(
                        .invalidValue,
                        "cannot set \"\(target)\"" + (problem.map { ": \($0.message)" } ?? ""),
                        at: pair.key.location,
                        length: target.count,
                        hint: problem?.hint ?? "targets are data, data.<path>, type, subject and ext.<name>"
                    )
                )
                continue
            }
            assignments.append(Step.Assignment(target: path, value: valueTemplate(pair.value, scope: .consumer)))
        }
        return .set(assignments)
    }

    private mutating func decodeEmit(_ node: Node, owner: String) -> Step.Kind? {
        guard node.mapping != nil else {
            return reference(node, role: .emit, owner: owner).map { .emit(Step.Emit(to: $0)) }
        }
        guard let to = reference(node.value(forKey: "to"), role: .emit, owner: owner) else { return nil }
        var emit = Step.Emit(to: to)
        emit.type = template(node.value(forKey: "type"))
        emit.key = expression(node.value(forKey: "key"))
        emit.data = node.value(forKey: "data").map { valueTemplate($0, scope: .consumer) }
        return .emit(emit)
    }

    private mutating func decodeRoute(_ node: Node, owner: String) -> Step.Kind? {
        let cases = node.sequence ?? []
        var decoded: [Step.RouteCase] = []
        for (index, item) in cases.enumerated() {
            let when = expression(item.value(forKey: "when"))
            if item.value(forKey: "when") == nil, index < cases.count - 1 {
                diagnostics.append(
                    .error(
                        .invalidValue,
                        "only the last route case may omit \"when\"",
                        at: item.location,
                        hint: "add a \"when\" condition or move this default case to the end"
                    )
                )
            }
            let to = reference(item.value(forKey: "to"), role: .emit, owner: owner)
            let steps = decodeSteps(item.value(forKey: "steps"), owner: owner)
            decoded.append(Step.RouteCase(when: when, to: to, steps: steps, location: item.location))
        }
        return .route(decoded)
    }

    private func decodeFail(_ node: Node) -> Step.Kind? {
        guard node.mapping != nil else { return .fail(Step.Fail(when: expression(node))) }
        var fail = Step.Fail(when: expression(node.value(forKey: "when")))
        fail.permanent = node.value(forKey: "permanent").flatMap { try? reader.boolean($0).get() } ?? false
        fail.message = template(node.value(forKey: "message"))
        return .fail(fail)
    }

    private mutating func decodeExec(_ node: Node) -> Step.Kind? {
        let commandNode = node.mapping != nil ? node.value(forKey: "command") : node
        let command = (commandNode?.sequence ?? []).compactMap { try? reader.text($0).get() }
        guard !command.isEmpty else { return nil }
        var exec = Step.Exec(command: command)
        guard node.mapping != nil else { return .exec(exec) }
        exec.cwd = node.value(forKey: "cwd").flatMap { try? reader.text($0).get() }
        for pair in node.value(forKey: "env")?.mapping ?? [] {
            guard let key = pair.key.scalar?.text, let value = try? reader.text(pair.value).get() else { continue }
            exec.env[key] = value
        }
        for code in node.value(forKey: "permanent_exit_codes")?.sequence ?? [] {
            if let value = try? reader.integer(code, key: "", in: 1...255).get() {
                exec.permanentExitCodes.insert(Int32(value))
            }
        }
        exec.worker = node.value(forKey: "worker").flatMap { try? reader.boolean($0).get() } ?? false
        if let workersNode = node.value(forKey: "workers") {
            exec.workers = try? reader.integer(workersNode, key: "", in: 1...Step.Exec.maxWorkers).get()
            if !exec.worker {
                diagnostics.append(
                    .error(
                        .invalidValue,
                        "\"workers\" sizes a worker pool, but this exec step runs a process per event",
                        at: workersNode.location,
                        hint: "add \"worker: true\" to keep workers alive, or remove \"workers\""
                    )
                )
            }
        }
        return .exec(exec)
    }

    private mutating func decodeHTTP(_ node: Node) -> Step.Kind? {
        guard node.mapping != nil else { return template(node).map { .http(Step.HTTP(url: $0)) } }
        guard let url = template(node.value(forKey: "url")) else { return nil }
        var http = Step.HTTP(url: url)
        for pair in node.value(forKey: "headers")?.mapping ?? [] {
            guard let key = pair.key.scalar?.text, let value = template(pair.value) else { continue }
            http.headers[key] = value
        }
        if let timeout = node.value(forKey: "timeout") {
            http.timeout = positiveDuration(timeout, rule: .timeoutInvalid, what: "\"timeout\" of an http step")
        }
        http.mode = node.value(forKey: "mode").flatMap(ScalarReader.rawText).flatMap(Step.HTTP.Mode.init) ?? .structured
        return .http(http)
    }

    private mutating func decodeSwift(_ node: Node) -> Step.Kind? {
        guard let name = ScalarReader.rawText(node) else { return nil }
        guard let handlers = swiftHandlers else {
            diagnostics.append(
                .error(
                    .unknownHandler,
                    "swift handler \"\(name)\" is not registered",
                    at: node.location,
                    length: name.count,
                    hint: "swift steps run in a Swift program that registers handlers through the FlowRuntime library"
                )
            )
            return nil
        }
        guard handlers.contains(name) else {
            diagnostics.append(
                .error(
                    .unknownHandler,
                    "swift handler \"\(name)\" is not registered",
                    at: node.location,
                    length: name.count,
                    hint: Suggestion.hint(for: name, in: handlers)
                        ?? "registered handlers: " + handlers.sorted().joined(separator: ", ")
                )
            )
            return nil
        }
        return .swift(name: name)
    }
}
