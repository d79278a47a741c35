import FlowCore
import Foundation

/// Loads a `*.test.yml` file the way `PipelineLoader` loads a pipeline: text → nodes → schema check
/// (`TestFileSchema`) → `PipelineTestFile`, then each test's pipeline with the test's `env`, and checks what the
/// tests name against it (consumers, steps, topics).
///
/// Invariant: `file` is non-nil exactly when `diagnostics` holds no error, and then every test carries its
/// loaded pipeline and every mock names exactly one step of it.
public struct TestFileLoader: Sendable {
    public init() {}

    /// The outcome of loading one test file.
    public struct Result: Sendable {
        public var file: PipelineTestFile?
        /// Each test's pipeline, by the test's index in `file.tests`.
        public var pipelines: [Pipeline]
        public var diagnostics: [Diagnostic]
    }

    /// The values of every `swift:` key in the pipeline file at `path` (empty when it does not parse).
    static func swiftHandlerNames(inPipelineAt path: String) -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let root = YAMLParser.parse(text, file: path).root
        else { return [] }
        var names: Set<String> = []
        func collect(_ node: Node) {
            switch node.kind {
            case .scalar: break
            case .sequence(let items): items.forEach(collect)
            case .mapping(let pairs):
                for pair in pairs {
                    if pair.key.scalar?.text == "swift", let name = pair.value.scalar?.text { names.insert(name) }
                    collect(pair.value)
                }
            }
        }
        collect(root)
        return names
    }

    /// Whether `text` is a test file rather than a pipeline: a mapping with `tests:` and no `topics:`.
    public static func isTestFile(_ text: String) -> Bool {
        guard let root = YAMLParser.parse(text, file: "").root else { return false }
        return root.value(forKey: "tests") != nil && root.value(forKey: "topics") == nil
    }

    /// Reads and loads the test file at `path` (as the user wrote it).
    public func load(contentsOf path: String) -> Result {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            let at = SourceLocation(file: path, line: 1, column: 1)
            return Result(
                file: nil,
                pipelines: [],
                diagnostics: [
                    .error(.fileUnreadable, "cannot read \"\(path)\" as UTF-8 text", at: at, hint: "check the path")
                ]
            )
        }
        return load(text: text, file: path)
    }

    /// Loads test-file text; `file` names it in diagnostics and anchors the relative `pipeline:` path.
    public func load(text: String, file: String) -> Result {
        let parsed = YAMLParser.parse(text, file: file)
        var diagnostics = parsed.diagnostics
        guard let root = parsed.root, !parsed.diagnostics.hasErrors else {
            return Result(file: nil, pipelines: [], diagnostics: diagnostics.sortedForDisplay())
        }
        var validator = SchemaValidator(environment: [:])
        validator.check(root, against: .object(TestFileSchema.root), key: nil, context: "the test file")
        diagnostics += validator.diagnostics
        // The decoder skips what the schema check reported, so the references are checked as well.
        var decoder = TestFileDecoder(file: file)
        var decoded = decoder.decode(root)
        diagnostics += decoder.diagnostics
        var pipelines: [Pipeline] = []
        // `swift:` steps name handlers only a Swift program registers: in a test they must be mocked
        // (`TestReferenceChecker` says so), so any name loads here.
        let handlers = Self.swiftHandlerNames(inPipelineAt: decoded.pipeline)
        for index in decoded.tests.indices {
            var test = decoded.tests[index]
            let loaded = PipelineLoader(options: LoaderOptions(environment: test.environment, swiftHandlers: handlers))
                .load(contentsOf: decoded.pipeline)
            diagnostics += loaded.diagnostics.filter { $0.severity == .error }
            guard let pipeline = loaded.pipeline else { break }
            var checker = TestReferenceChecker(pipeline: pipeline)
            test.mocks = checker.resolve(decoder.mockNodes[index])
            checker.check(test, nodes: decoder.referenceNodes[index])
            diagnostics += checker.diagnostics
            decoded.tests[index] = test
            pipelines.append(pipeline)
        }
        let unique = Array(Set(diagnostics)).sortedForDisplay()
        return Result(file: unique.hasErrors ? nil : decoded, pipelines: pipelines, diagnostics: unique)
    }
}
