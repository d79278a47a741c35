import FlowCLI
import FlowCore
import Foundation
import Testing

/// One fixture per rule: `Fixtures/rules/<rule>.yml` validated by the real command must render exactly as
/// `Fixtures/rules/<rule>.txt`. Set `FLOW_UPDATE_FIXTURES=1` to rewrite the expectations after a deliberate
/// change, then review the diff.
struct RuleFixtureTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/rules")

    /// Rules that a pipeline file cannot show: they are about the paths named on the command line.
    static let pathRules: Set<String> = [Rule.fileUnreadable.id, Rule.noPipelines.id]

    /// Rules whose findings are warnings in `flow validate` (every other rule is an error).
    static let warningRules: Set<String> = Set(
        [
            Rule.unreadTopic, .retryWithoutDeadLetter, .commandNotFound, .settingWithoutEffect, .timeoutBeforeDelay,
            .keyHoldBack, .retryOutlastsGrace, .retryOutlastsLease, .emitCycle, .constantFilter, .topicNeverWritten,
        ]
        .map(\.id)
    )

    static var fixtureRules: [String] { Rule.all.map(\.id).filter { !pathRules.contains($0) } }

    @Test(arguments: fixtureRules)
    func fixtureRendersExactly(rule: String) throws {
        let yaml = Self.directory.appendingPathComponent("\(rule).yml")
        let expected = Self.directory.appendingPathComponent("\(rule).txt")
        var outcome = ValidateCommand.validate(paths: [yaml.path], format: .text, strict: false, environment: [:])
        // Paths in the expectation are relative, so the fixture passes wherever the checkout lives.
        outcome.output = outcome.output.replacingOccurrences(of: Self.directory.path + "/", with: "Fixtures/rules/")
        #expect(FileManager.default.fileExists(atPath: yaml.path))
        if ProcessInfo.processInfo.environment["FLOW_UPDATE_FIXTURES"] == "1" {
            try (outcome.output + "\n").write(to: expected, atomically: true, encoding: .utf8)
        }
        let text = try String(contentsOf: expected, encoding: .utf8)
        #expect(outcome.output + "\n" == text)
        #expect(outcome.output.contains("[\(rule)]"))
        let isWarning = Self.warningRules.contains(rule)
        #expect(outcome.exitCode == (isWarning ? 0 : 1))
    }

    @Test func aMissingFileIsReportedWithItsPath() {
        let outcome = ValidateCommand.validate(
            paths: ["/nonexistent/flow/orders.yml"],
            format: .text,
            strict: false,
            environment: [:]
        )
        #expect(outcome.exitCode == 1)
        #expect(outcome.output.hasPrefix("/nonexistent/flow/orders.yml:1:1: error: no such file or directory"))
        #expect(outcome.output.contains("[file-unreadable]"))
    }

    @Test func aDirectoryWithoutPipelinesIsAnError() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("flow-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let outcome = ValidateCommand.validate(paths: [empty.path], format: .text, strict: false, environment: [:])
        #expect(outcome.exitCode == 1)
        #expect(outcome.output.contains("no pipeline files in \"\(empty.path)\" [no-pipelines]"))
    }

    @Test func strictTurnsWarningsIntoErrors() {
        let path = Self.directory.appendingPathComponent("unread-topic.yml").path
        let lenient = ValidateCommand.validate(paths: [path], format: .text, strict: false, environment: [:])
        let strict = ValidateCommand.validate(paths: [path], format: .text, strict: true, environment: [:])
        #expect(lenient.exitCode == 0)
        #expect(strict.exitCode == 1)
        #expect(strict.output.contains("error: topic \"audit\" is written but no consumer reads it"))
    }
}
