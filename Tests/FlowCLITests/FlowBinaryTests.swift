import FlowCore
import FlowYAML
import Foundation
import Testing

/// The real `flow` binary, run as a user or CI runs it: exit codes, stdout, and every output format parsing.
/// `swift build --build-tests` builds it next to the test bundle; every run is killed after 30 s.
struct FlowBinaryTests {
    /// `flow` beside the test bundle (`.build/<triple>/debug/`), else in the checkout's `.build/debug/`.
    static func flowBinary() throws -> URL {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("flow"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("flow"),
            ChildProcess.packageRoot.appendingPathComponent(".build/debug/flow"),
        ]
        guard let found = candidates.compactMap({ $0 }).first(where: { isFile($0) }) else {
            throw MissingBinary(looked: candidates.compactMap { $0?.path })
        }
        return found
    }

    /// The tests ran without the binary being built.
    struct MissingBinary: Error, CustomStringConvertible {
        var looked: [String]
        var description: String {
            "no flow binary next to the tests (looked at \(looked.joined(separator: ", "))); build it with "
                + "`swift build --build-tests` (scripts/test.sh does) before `swift test --skip-build`"
        }
    }

    private static func isFile(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue
            && FileManager.default.isExecutableFile(atPath: url.path)
    }

    /// Runs `flow arguments` in `directory` (the checkout's root unless given).
    private func flow(
        _ arguments: String...,
        in directory: URL = ChildProcess.packageRoot
    ) throws -> ChildProcess.Outcome {
        try ChildProcess.run(Self.flowBinary(), arguments, in: directory)
    }

    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    // MARK: validate

    @Test func validatingTheShippedPipelinesSucceeds() throws {
        let outcome = try flow("validate", "pipelines/")
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.hasPrefix("no problems in "), "\(outcome)")
    }

    @Test func aBrokenFileExitsOneWithTheReportOnStdout() throws {
        let outcome = try flow("validate", "Fixtures/rules/unknown-key.yml", in: Self.testsDirectory)
        #expect(outcome.status == 1)
        let expected = try String(
            contentsOf: Self.testsDirectory.appendingPathComponent("Fixtures/rules/unknown-key.txt"),
            encoding: .utf8
        )
        #expect(outcome.stdout == expected)
        #expect(outcome.stderr.isEmpty)
    }

    @Test func strictMakesAWarningFail() throws {
        let lenient = try flow("validate", "Fixtures/rules/unread-topic.yml", in: Self.testsDirectory)
        let strict = try flow("validate", "--strict", "Fixtures/rules/unread-topic.yml", in: Self.testsDirectory)
        #expect(lenient.status == 0)
        #expect(strict.status == 1)
    }

    @Test(arguments: [["validate"], ["validate", "--format", "xml", "pipelines/"], ["validate", "--bogus", "x.yml"]])
    func aUsageMistakeExitsSixtyFour(arguments: [String]) throws {
        let outcome = try ChildProcess.run(Self.flowBinary(), arguments)
        #expect(outcome.status == 64, "\(outcome)")
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.contains("Usage: flow validate"))
    }

    @Test(arguments: ["pipelines/", "Tests/FlowCLITests/Fixtures/rules/"])
    func jsonOutputParsesAndCountsTheDiagnostics(path: String) throws {
        let outcome = try flow("validate", "--format", "json", path)
        let report = try Value(json: Data(outcome.stdout.utf8))
        guard case .array(let diagnostics)? = report["diagnostics"], case .int(let errors)? = report["errors"] else {
            Issue.record("no diagnostics or errors in \(outcome.stdout)")
            return
        }
        #expect(outcome.status == (errors > 0 ? 1 : 0))
        #expect(diagnostics.filter { $0["severity"] == "error" }.count == errors)
        for diagnostic in diagnostics {
            for field in ["file", "line", "column", "severity", "rule", "message"] {
                #expect(diagnostic[field] != nil, "\(field) missing in \(diagnostic)")
            }
        }
        if path.hasPrefix("Tests") {
            let rules = Set(diagnostics.compactMap { $0["rule"]?.stringValue })
            #expect(rules.isSuperset(of: RuleFixtureTests.fixtureRules), "\(RuleFixtureTests.fixtureRules)")
        }
    }

    @Test func githubOutputIsOneWorkflowCommandPerFinding() throws {
        let outcome = try flow("validate", "--format", "github", "Tests/FlowCLITests/Fixtures/rules/")
        #expect(outcome.status == 1)
        let lines = outcome.stdout.split(separator: "\n")
        #expect(lines.count >= RuleFixtureTests.fixtureRules.count)
        for line in lines {
            #expect(
                line.wholeMatch(
                    of: /::(error|warning|notice) file=[^,]+,line=\d+,col=\d+(,endColumn=\d+)?,title=[^:]+::.+/
                )
                    != nil,
                "not a workflow command: \(line)"
            )
        }
    }

    @Test func sarifOutputIsSARIF210() throws {
        let outcome = try flow("validate", "--format", "sarif", "Tests/FlowCLITests/Fixtures/rules/unknown-key.yml")
        #expect(outcome.status == 1)
        let log = try Value(json: Data(outcome.stdout.utf8))
        #expect(log["version"] == "2.1.0")
        guard case .array(let runs)? = log["runs"], case .array(let results)? = runs.first?["results"] else {
            Issue.record("no runs[0].results in \(outcome.stdout)")
            return
        }
        #expect(results.count == 1)
        #expect(results.first?["ruleId"] == "unknown-key")
        #expect(runs.first?["tool"]?["driver"]?["name"] == "flow")
    }

    // MARK: schema

    @Test func schemaPrintsTheExportedJSONSchema() throws {
        let outcome = try flow("schema")
        #expect(outcome.status == 0)
        #expect(outcome.stdout == JSONSchemaExporter.document().prettyJSONString + "\n")
        let printed = try Value(json: Data(outcome.stdout.utf8))
        #expect(printed["$schema"] == "https://json-schema.org/draft/2020-12/schema")
    }

    /// The marker in docs/language.md after which the file is exactly `flow schema --format markdown`.
    static let generatedMarker = "<!-- generated: flow schema --format markdown -->\n"

    @Test func theLanguageGuideEndsWithTheGeneratedKeyReference() throws {
        let outcome = try flow("schema", "--format", "markdown")
        #expect(outcome.status == 0)
        #expect(outcome.stdout == LanguageReference.markdown())
        let guide = try String(
            contentsOf: ChildProcess.packageRoot.appendingPathComponent("docs/language.md"),
            encoding: .utf8
        )
        let parts = guide.components(separatedBy: Self.generatedMarker)
        #expect(parts.count == 2, "docs/language.md needs the marker line exactly once")
        #expect(
            parts.last == outcome.stdout,
            "docs/language.md is stale: replace everything after the marker with `flow schema --format markdown`"
        )
    }

    // MARK: graph

    @Test(arguments: [["graph", "pipelines/fan-out.yml"], ["graph", "--format", "dot", "pipelines/fan-out.yml"]])
    func graphMentionsEveryTopic(arguments: [String]) throws {
        let outcome = try ChildProcess.run(Self.flowBinary(), arguments)
        #expect(outcome.status == 0, "\(outcome)")
        let pipeline = try #require(
            PipelineLoader().load(
                contentsOf: ChildProcess.packageRoot.appendingPathComponent("pipelines/fan-out.yml").path
            )
            .pipeline
        )
        #expect(pipeline.topics.count == 3)
        for topic in pipeline.topics {
            #expect(outcome.stdout.contains("\"\(topic.name)"), "\(topic.name) missing from\n\(outcome.stdout)")
        }
        let isDot = arguments.contains("dot")
        #expect(outcome.stdout.hasPrefix(isDot ? "digraph" : "flowchart"))
    }

    @Test func graphOfABrokenFileExitsOneWithTheReportOnStderr() throws {
        let outcome = try flow("graph", "Fixtures/rules/unknown-key.yml", in: Self.testsDirectory)
        #expect(outcome.status == 1)
        #expect(outcome.stdout.isEmpty)
        #expect(outcome.stderr.contains("[unknown-key]"))
    }

    // MARK: help

    @Test(arguments: [["--help"], ["validate", "--help"], ["schema", "--help"], ["graph", "--help"], ["--version"]])
    func helpAndVersionExitZero(arguments: [String]) throws {
        let outcome = try ChildProcess.run(Self.flowBinary(), arguments)
        #expect(outcome.status == 0, "\(outcome)")
        #expect(!outcome.stdout.isEmpty)
    }
}
