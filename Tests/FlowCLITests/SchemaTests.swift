import FlowCLI
import FlowCore
import FlowYAML
import Foundation
import Testing

/// `flow schema` and `flow validate` describe one language: the exported JSON Schema allows exactly the keys the
/// validator accepts, every shipped pipeline passes an independent JSON Schema validator, and files the
/// validator rejects for their shape are rejected by the schema too.
struct SchemaTests {
    // MARK: Keys

    /// Walks a `SchemaType` and its exported JSON side by side and records every place they differ.
    private struct Walker {
        let definitions: [String: Value]
        var visitedDefinitions: Set<String> = []
        var objectTitles: [String] = []
        var keyCount = 0
        var problems: [String] = []

        init(document: Value) {
            if case .object(let definitions)? = document["$defs"] {
                self.definitions = definitions
            } else {
                definitions = [:]
            }
        }

        mutating func walk(_ type: SchemaType, _ json: Value, at path: String, inherited: Bool = false) {
            switch type {
            case .object(let object):
                walkObject(object, json, at: path, inherited: inherited)
            case .dictionary(let valueType, _):
                guard var entry = json["additionalProperties"] else {
                    problems.append("\(path): a dictionary without additionalProperties")
                    return
                }
                if case .array(let forms)? = entry["anyOf"], forms.count == 2, forms[0] == ["type": "null"] {
                    entry = forms[1]
                }
                walk(valueType, entry, at: path + ".<name>")
            case .list(let item, let minItems):
                if json["type"] != "array" { problems.append("\(path): not an array") }
                if json["minItems"] != .int(minItems) { problems.append("\(path): minItems differs") }
                guard let items = json["items"] else { return problems.append("\(path): an array without items") }
                walk(item, items, at: path + "[]")
            case .oneOf(let forms):
                guard case .array(let branches)? = json["anyOf"], branches.count == forms.count else {
                    return problems.append("\(path): \(forms.count) forms but not as many anyOf branches")
                }
                for (index, (form, branch)) in zip(forms, branches).enumerated() {
                    walk(form, branch, at: "\(path)|\(index)", inherited: inherited)
                }
            case .reference(let name):
                if json["$ref"] != .string("#/$defs/\(name)") { problems.append("\(path): not a $ref to \(name)") }
                guard let definition = definitions[name] else { return problems.append("no $defs entry \(name)") }
                if visitedDefinitions.insert(name).inserted {
                    walk(PipelineSchema.definition(name), definition, at: "$defs.\(name)")
                }
            case .string, .integer, .number, .boolean, .null:
                if json["type"] == nil { problems.append("\(path): a scalar without a type") }
            case .data:
                if json["type"] != nil { problems.append("\(path): data must allow any type") }
            }
        }

        private mutating func walkObject(_ object: ObjectSchema, _ json: Value, at path: String, inherited: Bool) {
            objectTitles.append(object.title)
            guard case .object(let properties)? = json["properties"] else {
                return problems.append("\(path): an object without properties")
            }
            let accepted = Set(object.propertyNames)
            let allowed = Set(properties.keys)
            for key in accepted.subtracting(allowed).sorted() {
                problems.append("\(path): the validator accepts \"\(key)\" but the JSON Schema does not")
            }
            for key in allowed.subtracting(accepted).sorted() {
                problems.append("\(path): the JSON Schema allows \"\(key)\" but the validator does not")
            }
            if json["additionalProperties"] != false { problems.append("\(path): other keys are not rejected") }
            let required = inherited ? [] : object.properties.filter(\.required).map(\.name)
            let exported =
                (json["required"].flatMap { value -> [String]? in
                    guard case .array(let names) = value else { return nil }
                    return names.compactMap(\.stringValue)
                }) ?? []
            if Set(required) != Set(exported) { problems.append("\(path): required \(exported), expected \(required)") }
            keyCount += object.properties.count
            let inheritable = Set(PipelineSchema.defaults.propertyNames)
            for property in object.properties {
                guard let sub = properties[property.name] else { continue }
                let inheritsKeys = object.title == PipelineSchema.consumer.title && inheritable.contains(property.name)
                walk(property.type, sub, at: "\(path).\(property.name)", inherited: inheritsKeys)
            }
        }
    }

    @Test func schemaAndValidatorAllowExactlyTheSameKeys() {
        let document = JSONSchemaExporter.document()
        var walker = Walker(document: document)
        walker.walk(.object(PipelineSchema.root), document, at: "pipeline")
        #expect(walker.problems == [])
        #expect(walker.visitedDefinitions == Set(PipelineSchema.definitionNames))
        #expect(walker.keyCount > 60, "the walk should reach every object of the language")
        for title in ["pipeline", "topic", "producer", "consumer", "retry", "circuit_breaker", "step", "route case"] {
            #expect(walker.objectTitles.contains(title), "never reached \(title)")
        }
    }

    @Test func everyObjectOfTheLanguageHasAKeyTableInTheReference() {
        let document = JSONSchemaExporter.document()
        var walker = Walker(document: document)
        walker.walk(.object(PipelineSchema.root), document, at: "pipeline")
        let markdown = LanguageReference.markdown()
        for title in Set(walker.objectTitles).sorted() {
            #expect(markdown.contains("### `\(title)`\n"), "docs/language.md has no key table for \(title)")
        }
    }

    @Test func theDocumentDeclaresDraft202012AndAStableID() {
        let document = JSONSchemaExporter.document()
        #expect(document["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        #expect(document["$id"] == .string(JSONSchemaExporter.schemaID))
        #expect(document["required"] == ["version", "topics"])
    }

    // MARK: An independent validator

    /// Every pipeline (`*.yml`, `*.yaml`, not a `*.test.yml` test file) below `pipelines/` and `examples/`,
    /// relative to the root.
    static var shippedFiles: [String] {
        ["pipelines", "examples"].flatMap { folder -> [String] in
            let url = ChildProcess.packageRoot.appendingPathComponent(folder)
            let found = FileManager.default.enumerator(atPath: url.path)?.allObjects as? [String] ?? []
            return found.filter { ($0.hasSuffix(".yml") || $0.hasSuffix(".yaml")) && !$0.contains(".test.") }
                .map { "\(folder)/\($0)" }
        }
        .sorted()
    }

    /// Every `*.test.yml` below `pipelines/` and `examples/`, relative to the root.
    static var shippedTestFiles: [String] {
        ["pipelines", "examples"].flatMap { folder -> [String] in
            let url = ChildProcess.packageRoot.appendingPathComponent(folder)
            let found = FileManager.default.enumerator(atPath: url.path)?.allObjects as? [String] ?? []
            return found.filter { $0.hasSuffix(".test.yml") }.map { "\(folder)/\($0)" }
        }
        .sorted()
    }

    @Test func everyShippedPipelinePassesTheExportedSchema() throws {
        let files = Self.shippedFiles
        #expect(files.count >= 4)
        let report = try JSONSchemaCheck.validate(files)
        #expect(report.status == 0, "\(report.output)")
        #expect(report.failures.isEmpty, "\(report.failures)")
        for file in files {
            let path = ChildProcess.packageRoot.appendingPathComponent(file).path
            let outcome = ValidateCommand.validate(
                paths: [path],
                format: .text,
                strict: true,
                environment: [:],
                swiftHandlers: try Self.swiftHandlerNames(in: path)
            )
            #expect(outcome.exitCode == 0, "\(file): \(outcome.output)")
        }
    }

    /// The names `swift:` steps use in a file, which its embedding program registers (nil when none).
    static func swiftHandlerNames(in path: String) throws -> Set<String>? {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let names = text.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("- swift:") else { return nil }
            return trimmed.dropFirst("- swift:".count).trimmingCharacters(in: .whitespaces)
        }
        return names.isEmpty ? nil : Set(names)
    }

    /// Fixtures the validator rejects for the file's shape, not its meaning: the schema must reject them too.
    static let structuralRules = [
        Rule.unknownKey, .unknownStep, .wrongType, .missingKey, .invalidDuration, .invalidRate,
    ]

    @Test func fixturesRejectedForTheirShapeAreRejectedByTheSchema() throws {
        let files = Self.structuralRules.map {
            RuleFixtureTests.directory.appendingPathComponent("\($0.id).yml").path
        }
        let report = try JSONSchemaCheck.validate(files)
        #expect(report.status == 1, "\(report.output)")
        for (rule, file) in zip(Self.structuralRules, files) {
            let loaded = PipelineLoader().load(contentsOf: file)
            #expect(loaded.diagnostics.contains { $0.rule == rule && $0.severity == .error })
            #expect(report.failures[file] != nil, "the schema accepts the \(rule.id) fixture")
        }
    }

    /// Small documents on the edge of the language, with the verdict both validators must reach.
    static let edgeCases: [(name: String, accepted: Bool, text: String)] = [
        ("argv words may be numbers", true, steps("[{ exec: [sleep, 1.5] }]")),
        ("an expression may be a bare boolean", true, steps("[{ fail: true }, { filter: false }]")),
        (
            "a name may look like a number", true,
            base.replacingOccurrences(of: "version: 1", with: "version: 1\nname: 2024")
        ),
        ("a log message may be a number", true, steps("[{ log: 42 }]")),
        ("exec env values may be numbers", true, steps("[{ exec: { command: [env], env: { LEVEL: 3 } } }]")),
        ("the bare word drop", true, steps("[drop, { drop: }, { drop: data.x > 1 }]")),
        ("a misspelt bare word", false, steps("[dropp]")),
        ("an empty step list", false, steps("[]")),
        ("a step with two kinds", false, steps("[{ log: x, drop: }]")),
        ("a step with no kind", false, steps("[{}]")),
        ("worker is a YAML 1.2 boolean only", false, steps("[{ exec: { command: [w], worker: yes } }]")),
        ("a log level outside the set", false, steps("[{ log: { message: x, level: loud } }]")),
        ("an exit code of zero", false, steps("[{ exec: { command: [w], permanent_exit_codes: [0] } }]")),
        ("route case with to and steps", false, steps("[{ route: [{ to: orders, steps: [drop] }] }]")),
        ("route case with neither", false, steps("[{ route: [{ when: data.x > 1 }] }]")),
        ("topics may be empty", true, "version: 1\ntopics:\n"),
        ("a topic may be null or empty", true, "version: 1\ntopics: { a: , b: {} }\n"),
        ("a topic name with a space", false, "version: 1\ntopics: { \"a b\": {} }\n"),
        ("partitions as a string", false, "version: 1\ntopics: { a: { partitions: \"4\" } }\n"),
        ("zero partitions", false, "version: 1\ntopics: { a: { partitions: 0 } }\n"),
        ("the version as a string", false, "version: \"1\"\ntopics: {}\n"),
        ("a second version", false, "version: 2\ntopics: {}\n"),
        ("a producer with two sources", false, producer("{ to: orders, stdin: , file: x.jsonl }")),
        ("a producer with no source", false, producer("{ to: orders }")),
        ("stdin as null or a mapping", true, producer("{ to: orders, stdin: { type: T } }")),
        ("file as a mapping without path", false, producer("{ to: orders, file: { type: T } }")),
        (
            "an upper-case extension name", false,
            producer("{ to: orders, generate: { event: { type: T, extensions: { Ab: x } } } }")
        ),
        ("count zero", true, producer("{ to: orders, generate: { count: 0, event: { type: T } } }")),
        ("a rate without unit", false, producer("{ to: orders, generate: { rate: 5, event: { type: T } } }")),
        ("a duration without unit", false, consumer("timeout: 5")),
        ("a multiplier below one", false, consumer("retry: { multiplier: 0.5 }, dead_letter: dlq")),
        ("an empty retry", true, consumer("retry: {}, dead_letter: dlq")),
        ("concurrency zero", false, consumer("concurrency: 0")),
        ("a partial breaker completed by defaults", true, consumer("circuit_breaker: { failures: 2 }", defaults: true)),
        ("a partial breaker alone", false, consumer("circuit_breaker: { failures: 2 }")),
        ("an incomplete breaker in defaults", false, consumer("group: g", defaults: true, breaker: "{ failures: 2 }")),
    ]

    private static let base = """
        version: 1
        topics: { orders: {}, dlq: {} }
        producers: { shop: { to: orders, stdin: } }
        consumers:
          c: { from: orders, steps: [drop] }
          d: { from: dlq, steps: [drop] }
        """

    private static func steps(_ list: String) -> String {
        base.replacingOccurrences(of: "c: { from: orders, steps: [drop] }", with: "c: { from: orders, steps: \(list) }")
    }

    private static func producer(_ body: String) -> String {
        base.replacingOccurrences(of: "shop: { to: orders, stdin: }", with: "shop: \(body)")
    }

    private static func consumer(
        _ settings: String,
        defaults: Bool = false,
        breaker: String = "{ failures: 5, open_for: 1s }"
    )
        -> String
    {
        let text = base.replacingOccurrences(
            of: "c: { from: orders, steps: [drop] }",
            with: "c: { from: orders, \(settings), steps: [drop] }"
        )
        return defaults ? text + "\ndefaults: { circuit_breaker: \(breaker) }\n" : text
    }

    /// The schema's verdict on every edge case, from one run of the Python validator: name → accepted.
    private static let schemaVerdicts: Result<[String: Bool], any Error> = Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-edge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try edgeCases.indices.map { index in
            let url = directory.appendingPathComponent("case-\(index).yml")
            try edgeCases[index].text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let report = try JSONSchemaCheck.validate(files)
        guard report.status == 0 || report.status == 1 else { throw JSONSchemaCheck.Failure(report: report) }
        return Dictionary(uniqueKeysWithValues: zip(edgeCases.map(\.name), files.map { report.failures[$0] == nil }))
    }

    @Test(arguments: edgeCases.map(\.name))
    func validatorAndSchemaReachTheSameVerdict(name: String) throws {
        let (_, accepted, text) = try #require(Self.edgeCases.first { $0.name == name })
        let loaded = PipelineLoader().load(text: text, file: "edge.yml")
        #expect((loaded.pipeline != nil) == accepted, "\(name): the validator says \(loaded.diagnostics)")
        let verdicts = try Self.schemaVerdicts.get()
        #expect(verdicts[name] == accepted, "\(name): the schema disagrees")
    }
}
