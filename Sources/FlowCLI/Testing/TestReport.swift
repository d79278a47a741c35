import FlowCore
import FlowTesting
import Foundation

/// What `flow test` found: per file its tests' outcomes, or why it did not load.
public struct TestReport: Sendable {
    /// One test file.
    public struct File: Sendable {
        public var path: String
        public var outcomes: [TestOutcome]
        /// Why the file did not load (then `outcomes` is empty).
        public var diagnostics: [Diagnostic]
    }

    public var files: [File] = []
    /// Paths that do not exist or hold no test files.
    public var problems: [Diagnostic] = []

    /// Tests that passed.
    public var passed: Int { files.reduce(0) { $0 + $1.outcomes.count(where: \.passed) } }
    /// Tests that failed, plus one per file that did not load and per path problem.
    public var failed: Int {
        files.reduce(0) { $0 + $1.outcomes.count { !$0.passed } + ($1.diagnostics.hasErrors ? 1 : 0) }
            + problems.count
    }

    public var allPassed: Bool { failed == 0 && passed + failed > 0 }
}

/// The text report: a line per test, each failure under its test with its location and log lines, the
/// `N passed, M failed` line last.
enum TestReportText {
    static func render(_ report: TestReport) -> String {
        var lines: [String] = []
        for problem in report.problems { lines.append(problem.description) }
        for file in report.files {
            if !file.diagnostics.isEmpty {
                var sources = SourceCache()
                for path in Set(file.diagnostics.map(\.location.file)) {
                    if let text = try? String(contentsOfFile: path, encoding: .utf8) { sources.add(text, for: path) }
                }
                lines.append(DiagnosticRenderer.renderBlocks(file.diagnostics, sources: sources) + "\n")
            }
            for outcome in file.outcomes {
                let time = DurationText.format(outcome.virtualTime)
                lines.append(
                    "\(outcome.passed ? "PASS" : "FAIL")  \(outcome.location)  \(outcome.name)  (virtual \(time))"
                )
                for failure in outcome.failures {
                    lines.append(
                        "  \(failure.location): \(failure.message.replacingOccurrences(of: "\n", with: "\n  "))"
                    )
                    if !failure.logs.isEmpty {
                        lines.append("    log:")
                        lines += failure.logs.map { "      " + $0 }
                    }
                }
            }
        }
        if report.passed + report.failed == 0 { lines.append("no tests ran (check --filter)") }
        lines.append("\(report.passed) passed, \(report.failed) failed")
        return lines.joined(separator: "\n") + "\n"
    }
}
