import FlowCLI
import FlowCore
import Testing

struct DiagnosticRendererGitHubTests {
    private func github(_ diagnostics: [Diagnostic]) -> String {
        DiagnosticRenderer.render(diagnostics, format: .github, sources: SourceCache(), fileCount: 1, color: true)
    }

    @Test func rendersOneWorkflowCommandPerDiagnosticInDisplayOrder() {
        let orders = "file=pipelines/orders.yml"
        let expected = [
            "::error file=pipelines/gone.yml,line=4,col=3,endColumn=9,title=flow [unknown-key]::"
                + "unknown key \"topcis\"%0Ahint: did you mean \"topics\"?",
            "::error \(orders),line=5,col=33,endColumn=34,title=flow [invalid-value]::"
                + "topic \"café\" needs at least 1 partition%0Ahint: set `partitions:` to 1 or more",
            "::error \(orders),line=8,col=14,endColumn=16,title=flow [timeout-invalid]::"
                + "consumer \"billing\" has a timeout of 0s",
            "::warning \(orders),line=9,col=5,endColumn=45,title=flow [retry-without-dead-letter]::"
                + "finite retries with no dead-letter topic%0Ahint: add a `dead_letter:` topic",
            "::error \(orders),line=12,col=11,endColumn=16,title=flow [undeclared-topic]::"
                + "consumer \"audit\" reads undeclared topic \"order\"%0Ahint: did you mean \"orders\"?",
        ].joined(separator: "\n")
        #expect(github(DiagnosticFixtures.all) == expected)
    }

    @Test func noDiagnosticsRendersNothing() {
        #expect(github([]) == "")
    }

    @Test func notesBecomeNoticesAndAnEmptyFileHasNoPosition() {
        let note = Diagnostic(
            .note,
            .noPipelines,
            "no pipeline files were found",
            at: SourceLocation(file: "", line: 1, column: 1)
        )
        #expect(github([note]) == "::notice title=flow [no-pipelines]::no pipeline files were found")
    }

    @Test(arguments: [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("a\nb", "a%0Ab", "a%0Ab"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("a:b,c", "a%3Ab%2Cc", "a:b,c"),
        ("%0A", "%250A", "%250A"),
        ("c:\\dir, 50%\r", "c%3A\\dir%2C 50%25%0D", "c:\\dir, 50%25%0D"),
    ])
    func escapesPropertiesAndMessagesPerTheRunnersRules(raw: String, property: String, message: String) {
        let diagnostic = Diagnostic.error(.invalidValue, raw, at: SourceLocation(file: raw, line: 1, column: 1))
        let expected = "::error file=\(property),line=1,col=1,endColumn=2,title=flow [invalid-value]::\(message)"
        #expect(github([diagnostic]) == expected)
    }
}
