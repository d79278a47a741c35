import FlowCore

extension PipelineDecoder {
    mutating func decodeProducer(_ name: String, _ node: Node, at location: SourceLocation) -> Pipeline.Producer? {
        let to = reference(node.value(forKey: "to"), role: .producerTo, owner: name)
        let deadLetter = reference(node.value(forKey: "dead_letter"), role: .producerDeadLetter, owner: name)
        let source: Pipeline.Producer.Source
        if let generate = node.value(forKey: "generate") {
            guard let decoded = decodeGenerate(generate) else { return nil }
            source = .generate(decoded)
        } else if let file = node.value(forKey: "file") {
            if file.mapping != nil {
                guard let path = file.value(forKey: "path").flatMap({ try? reader.text($0).get() }) else { return nil }
                source = .file(path: path, type: file.value(forKey: "type").flatMap { try? reader.text($0).get() })
            } else {
                guard let path = try? reader.text(file).get() else { return nil }
                source = .file(path: path, type: nil)
            }
        } else if let stdin = node.value(forKey: "stdin") {
            source = .stdin(type: stdin.value(forKey: "type").flatMap { try? reader.text($0).get() })
        } else if let http = node.value(forKey: "http") {
            guard let decoded = decodeHTTPSource(http, owner: name) else { return nil }
            source = decoded
        } else {
            return nil
        }
        guard let to else { return nil }
        return Pipeline.Producer(name: name, to: to, source: source, deadLetter: deadLetter, location: location)
    }

    /// `http: { listen, path }`: `listen` must be `host:port` and `path` must start with `/`.
    private mutating func decodeHTTPSource(_ node: Node, owner: String) -> Pipeline.Producer.Source? {
        guard let listenNode = node.value(forKey: "listen"), let listen = try? reader.text(listenNode).get() else {
            return nil
        }
        var valid = true
        if Pipeline.Producer.listenAddress(listen) == nil {
            diagnostics.append(
                .error(
                    .invalidValue,
                    "producer \"\(owner)\" listens on \"\(listen)\", which is not host:port",
                    at: listenNode.location,
                    length: listen.count,
                    hint: "write an address and a port from 0 to 65535, such as 127.0.0.1:8080"
                )
            )
            valid = false
        }
        var path = "/events"
        if let pathNode = node.value(forKey: "path"), let text = try? reader.text(pathNode).get() {
            path = text
            if !text.hasPrefix("/") || text.contains(where: { $0 == " " || $0 == "?" || $0 == "#" }) {
                diagnostics.append(
                    .error(
                        .invalidValue,
                        "producer \"\(owner)\" has http path \"\(text)\", which is not an absolute path",
                        at: pathNode.location,
                        length: text.count,
                        hint: "start the path with / and leave out spaces, ? and #, such as /events"
                    )
                )
                valid = false
            }
        }
        return valid ? .http(listen: listen, path: path) : nil
    }

    private mutating func decodeGenerate(_ node: Node) -> Pipeline.Producer.Generate? {
        let count = node.value(forKey: "count").flatMap { try? reader.integer($0, key: "", in: 0...Int.max).get() }
        let rate = node.value(forKey: "rate").flatMap { try? reader.rate($0, key: "").get() }
        guard let eventNode = node.value(forKey: "event"),
            let type = eventNode.value(forKey: "type").flatMap({ try? reader.template($0, scope: .producer).get() })
        else { return nil }
        var event = Pipeline.EventTemplate(type: type)
        event.source = eventNode.value(forKey: "source").flatMap { try? reader.template($0, scope: .producer).get() }
        event.subject = eventNode.value(forKey: "subject").flatMap { try? reader.template($0, scope: .producer).get() }
        if let data = eventNode.value(forKey: "data") {
            event.data = valueTemplate(data, scope: .producer)
        }
        for pair in eventNode.value(forKey: "extensions")?.mapping ?? [] {
            guard let key = pair.key.scalar?.text,
                let template = try? reader.template(pair.value, scope: .producer).get()
            else { continue }
            event.extensions[key] = template
        }
        return Pipeline.Producer.Generate(count: count, rate: rate, event: event)
    }

    /// A data tree whose string leaves are templates; constant leaves become literals so that run time
    /// only evaluates what varies.
    func valueTemplate(_ node: Node, scope: ExpressionScope) -> Pipeline.ValueTemplate {
        switch node.kind {
        case .scalar:
            guard case .string? = node.scalarValue else { return .literal(node.scalarValue ?? .null) }
            guard let template = try? reader.template(node, scope: scope).get() else { return .literal(.null) }
            if let constant = template.constantValue { return .literal(constant) }
            return .template(template)
        case .sequence(let items):
            let elements = items.map { valueTemplate($0, scope: scope) }
            if let literals = Self.literals(elements) { return .literal(.array(literals)) }
            return .array(elements)
        case .mapping(let pairs):
            var fields: [String: Pipeline.ValueTemplate] = [:]
            for pair in pairs {
                guard let key = pair.key.scalar?.text else { continue }
                fields[key] = valueTemplate(pair.value, scope: scope)
            }
            if let literals = Self.literals(Array(fields.values)) {
                return .literal(.object(Dictionary(uniqueKeysWithValues: zip(fields.keys, literals))))
            }
            return .object(fields)
        }
    }

    private static func literals(_ templates: [Pipeline.ValueTemplate]) -> [Value]? {
        var values: [Value] = []
        for template in templates {
            guard case .literal(let value) = template else { return nil }
            values.append(value)
        }
        return values
    }
}
