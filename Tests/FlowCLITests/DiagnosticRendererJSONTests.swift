import FlowCLI
import FlowCore
import Foundation
import Testing

struct DiagnosticRendererJSONTests {
    private func json(_ diagnostics: [Diagnostic], fileCount: Int = 1) -> String {
        DiagnosticRenderer.render(
            diagnostics,
            format: .json,
            sources: DiagnosticFixtures.sources,
            fileCount: fileCount,
            color: true
        )
    }

    private func parse(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func rendersTheDocumentedSchemaInAFixedKeyOrder() {
        let expected = #"""
            {
              "version": 1,
              "files": 1,
              "errors": 2,
              "warnings": 0,
              "diagnostics": [
                {
                  "file": "pipelines/orders.yml",
                  "line": 8,
                  "column": 14,
                  "endColumn": 16,
                  "severity": "error",
                  "rule": "timeout-invalid",
                  "message": "consumer \"billing\" has a timeout of 0s",
                  "hint": null
                },
                {
                  "file": "pipelines/orders.yml",
                  "line": 12,
                  "column": 11,
                  "endColumn": 16,
                  "severity": "error",
                  "rule": "undeclared-topic",
                  "message": "consumer \"audit\" reads undeclared topic \"order\"",
                  "hint": "did you mean \"orders\"?"
                }
              ]
            }
            """#
        #expect(json([DiagnosticFixtures.undeclaredTopic, DiagnosticFixtures.timeout]) == expected)
    }

    @Test func noDiagnosticsIsAnEmptyList() {
        let expected = """
            {
              "version": 1,
              "files": 4,
              "errors": 0,
              "warnings": 0,
              "diagnostics": []
            }
            """
        #expect(json([], fileCount: 4) == expected)
    }

    @Test func parsesBackWithCountsAndSortedDiagnostics() throws {
        let document = try parse(json(DiagnosticFixtures.all, fileCount: 3))
        #expect(document["version"] as? Int == 1)
        #expect(document["files"] as? Int == 3)
        #expect(document["errors"] as? Int == 4)
        #expect(document["warnings"] as? Int == 1)
        let entries = try #require(document["diagnostics"] as? [[String: Any]])
        let expected = DiagnosticFixtures.all.sortedForDisplay()
        #expect(entries.count == expected.count)
        for (entry, diagnostic) in zip(entries, expected) {
            #expect(entry["file"] as? String == diagnostic.location.file)
            #expect(entry["line"] as? Int == diagnostic.location.line)
            #expect(entry["column"] as? Int == diagnostic.location.column)
            #expect(entry["endColumn"] as? Int == diagnostic.location.column + diagnostic.length)
            #expect(entry["severity"] as? String == diagnostic.severity.rawValue)
            #expect(entry["rule"] as? String == diagnostic.rule.id)
            #expect(entry["message"] as? String == diagnostic.message)
            if let hint = diagnostic.hint {
                #expect(entry["hint"] as? String == hint)
            } else {
                #expect(entry["hint"] is NSNull)
            }
        }
    }

    @Test func escapesEveryCharacterThatJSONForbidsRaw() throws {
        let message = "quote \" backslash \\ tab \t newline \n return \r bell \u{7} nul \u{0} café 注文 🚀 /"
        let diagnostic = Diagnostic.error(
            .invalidValue,
            message,
            at: SourceLocation(file: "dir\\f \"x\".yml", line: 1, column: 1)
        )
        let rendered = json([diagnostic])
        #expect(
            rendered.contains(#""message": "quote \" backslash \\ tab \t newline \n return \r bell \u0007 nul \u0000"#)
        )
        let entries = try #require(try parse(rendered)["diagnostics"] as? [[String: Any]])
        #expect(entries.first?["message"] as? String == message)
        #expect(entries.first?["file"] as? String == "dir\\f \"x\".yml")
    }
}
