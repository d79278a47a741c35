import FlowCore
import FlowYAML
import Foundation
import Testing

/// The documentation stays true: every rule has a section in docs/rules.md showing its fixture's finding, and
/// the examples in docs/language.md load.
struct DocumentationTests {
    static let docs = ChildProcess.packageRoot.appendingPathComponent("docs")

    static func read(_ name: String) throws -> String {
        try String(contentsOf: docs.appendingPathComponent(name), encoding: .utf8)
    }

    /// The text from `## <id>` to the next `## ` heading.
    static func section(_ id: String, in text: String) -> String? {
        guard let start = text.range(of: "\n## \(id)\n") else { return nil }
        let rest = text[start.upperBound...]
        return String(rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)])
    }

    @Test(arguments: Rule.all.map(\.id))
    func everyRuleHasASectionWithSeverityAndFix(rule: String) throws {
        let text = try Self.read("rules.md")
        let section = try #require(Self.section(rule, in: text), "docs/rules.md has no \"## \(rule)\" section")
        let isWarning = RuleFixtureTests.warningRules.contains(rule)
        #expect(section.contains(isWarning ? "**Warning:**" : "**Error:**"))
        #expect(section.contains("**Fix:**"))
        #expect(section.contains("[\(rule)]"), "the example should show a finding of \(rule)")
    }

    @Test(arguments: RuleFixtureTests.fixtureRules)
    func theExampleIsTheFixturesCurrentFinding(rule: String) throws {
        let section = try #require(Self.section(rule, in: try Self.read("rules.md")))
        let rendered = try String(
            contentsOf: RuleFixtureTests.directory.appendingPathComponent("\(rule).txt"),
            encoding: .utf8
        )
        let findings = rendered.split(separator: "\n").filter { $0.hasSuffix("[\(rule)]") }
        #expect(!findings.isEmpty)
        for finding in findings {
            let line = finding.replacingOccurrences(of: "Fixtures/rules/\(rule).yml", with: "pipeline.yml")
            #expect(section.contains(line), "docs/rules.md shows an old finding for \(rule); expected \(line)")
        }
    }

    @Test func rulesAppearInCatalogueOrder() throws {
        let text = try Self.read("rules.md")
        let headings = text.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)) }
        #expect(headings == Rule.all.map(\.id))
    }

    /// The YAML blocks of the language guide, in order.
    static func yamlBlocks(_ text: String) -> [String] {
        text.components(separatedBy: "```yaml\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
    }

    @Test func theLanguageGuidesExamplesLoad() throws {
        let blocks = Self.yamlBlocks(try Self.read("language.md"))
        #expect(blocks.count == 3)
        let loader = PipelineLoader()
        let full = try #require(blocks.first)
        let opening = loader.load(text: full, file: "orders.yml")
        #expect(opening.diagnostics.isEmpty, "\(opening.diagnostics)")
        #expect(opening.pipeline?.consumers.first?.retry.maxAttempts == 5)
        let topics = "version: 1\ntopics: { orders: {}, orders.dlq: {}, payments: {}, invoices: {}, reviews: {} }\n"
        let steps = try #require(blocks.dropFirst().first)
        let worker = steps.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        let stepsResult = loader.load(
            text:
                "version: 1\ntopics: { orders: {}, invoices: {}, reviews: {} }\nconsumers:\n  invoicing: { from: invoices, steps: [drop] }\n"
                + "  reviewing: { from: reviews, steps: [drop] }\n  worker:\n    from: orders\n" + worker + "\n",
            file: "steps.yml"
        )
        #expect(stepsResult.diagnostics.isEmpty, "\(stepsResult.diagnostics)")
        #expect(stepsResult.pipeline?.consumers.last?.steps.count == 10)
        let anchors = try #require(blocks.last)
        let anchorsResult = loader.load(text: topics + anchors, file: "anchors.yml")
        #expect(!anchorsResult.diagnostics.hasErrors, "\(anchorsResult.diagnostics)")
        #expect(anchorsResult.pipeline?.consumers.map(\.retry.maxAttempts) == [4, 6])
    }
}

extension DocumentationTests {
    @Test func theReadmePipelineLoadsWithoutFindings() throws {
        let readme = try String(
            contentsOf: ChildProcess.packageRoot.appendingPathComponent("README.md"),
            encoding: .utf8
        )
        let pipeline = try #require(Self.yamlBlocks(readme).first)
        let result = PipelineLoader().load(text: pipeline, file: "README.md")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        #expect(result.pipeline?.consumers.first?.circuitBreaker?.failures == 5)
    }
}
