import ArgumentParser
import FlowCore
import FlowTesting
import FlowYAML
import Foundation

/// `flow test`: runs `*.test.yml` files on a virtual clock and reports every failed expectation at its
/// position in the test file.
public struct TestCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run pipeline tests (*.test.yml) on a virtual clock.",
        discussion: """
            Each test publishes its `given` events at virtual instants, replaces the steps it mocks by \
            scripted outcomes, runs the pipeline until it is idle (or for a virtual duration) and checks \
            its expectations: consumer counts, the instants of each attempt, the events a topic holds, log \
            lines. Nothing sleeps: a 10-minute retry schedule takes milliseconds, and the same seed gives \
            the same result every time. Steps a test does not mock really run (exec, http). \
            The format is in docs/testing.md; `flow validate` checks test files too.

            Exit status: 0 when every test passed, 1 when any failed or a test file does not load, \
            64 for a usage mistake.

            Examples:
              flow test                                   # every *.test.yml below the current directory
              flow test tests/retry-and-dlq.test.yml --filter declined
              flow test --format junit tests/ > junit.xml
            """
    )

    /// How results are printed.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, junit
    }

    @Option(name: .long, help: "Output format: text, or junit (JUnit XML on stdout, for CI).")
    var format: Format = .text

    @Option(name: .long, help: "Run only the tests whose name contains this text.")
    var filter: String?

    @Argument(help: "Test files, or directories to search for *.test.yml (default: the current directory).")
    var paths: [String] = []

    public init() {}

    public func run() async throws {
        let report = await Self.test(paths: paths.isEmpty ? ["."] : paths, filter: filter)
        print(format == .junit ? JUnitReport.render(report) : TestReportText.render(report), terminator: "")
        if !report.allPassed { throw ExitCode(1) }
    }

    /// The whole command as a function, for tests: every file's outcomes or load diagnostics.
    public static func test(paths: [String], filter: String?) async -> TestReport {
        var report = TestReport()
        let (files, missing) = TestFiles.expand(paths)
        report.problems += missing
        for file in files {
            let loaded = TestFileLoader().load(contentsOf: file)
            guard let testFile = loaded.file else {
                report.files.append(TestReport.File(path: file, outcomes: [], diagnostics: loaded.diagnostics))
                continue
            }
            var outcomes: [TestOutcome] = []
            for (index, test) in testFile.tests.enumerated() {
                if let filter, !test.name.contains(filter) { continue }
                outcomes.append(await PipelineTestRunner.run(test, pipeline: loaded.pipelines[index]))
            }
            report.files.append(TestReport.File(path: file, outcomes: outcomes, diagnostics: []))
        }
        return report
    }
}
