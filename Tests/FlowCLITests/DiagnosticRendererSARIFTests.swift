import FlowCLI
import FlowCore
import Foundation
import Testing

struct DiagnosticRendererSARIFTests {
    private func sarif(_ diagnostics: [Diagnostic]) -> String {
        DiagnosticRenderer.render(
            diagnostics,
            format: .sarif,
            sources: DiagnosticFixtures.sources,
            fileCount: 1,
            color: true
        )
    }

    private func results(of diagnostics: [Diagnostic]) throws -> [[String: Any]] {
        let document = try #require(JSONSerialization.jsonObject(with: Data(sarif(diagnostics).utf8)) as? [String: Any])
        let run = try #require((document["runs"] as? [[String: Any]])?.first)
        return try #require(run["results"] as? [[String: Any]])
    }

    @Test func rendersALogWithOneRunItsRulesAndResults() {
        let docs = "https://github.com/flow-pipelines/flow/blob/main/docs/rules.md"
        let expected = #"""
            {
              "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
              "version": "2.1.0",
              "runs": [
                {
                  "tool": {
                    "driver": {
                      "name": "flow",
                      "informationUri": "https://github.com/flow-pipelines/flow",
                      "version": "0.1.0",
                      "rules": [
                        {
                          "id": "retry-without-dead-letter",
                          "shortDescription": {
                            "text": "finite retries with no dead-letter topic: exhausted events fail the run"
                          },
                          "helpUri": "DOCS#retry-without-dead-letter"
                        },
                        {
                          "id": "timeout-invalid",
                          "shortDescription": {
                            "text": "a timeout must be positive"
                          },
                          "helpUri": "DOCS#timeout-invalid"
                        }
                      ]
                    }
                  },
                  "columnKind": "unicodeCodePoints",
                  "results": [
                    {
                      "ruleId": "timeout-invalid",
                      "ruleIndex": 1,
                      "level": "error",
                      "message": {
                        "text": "consumer \"billing\" has a timeout of 0s"
                      },
                      "locations": [
                        {
                          "physicalLocation": {
                            "artifactLocation": {
                              "uri": "pipelines/orders.yml"
                            },
                            "region": {
                              "startLine": 8,
                              "startColumn": 14,
                              "endColumn": 16
                            }
                          }
                        }
                      ]
                    },
                    {
                      "ruleId": "retry-without-dead-letter",
                      "ruleIndex": 0,
                      "level": "warning",
                      "message": {
                        "text": "finite retries with no dead-letter topic — add a `dead_letter:` topic"
                      },
                      "locations": [
                        {
                          "physicalLocation": {
                            "artifactLocation": {
                              "uri": "pipelines/orders.yml"
                            },
                            "region": {
                              "startLine": 9,
                              "startColumn": 5,
                              "endColumn": 45
                            }
                          }
                        }
                      ]
                    }
                  ]
                }
              ]
            }
            """#.replacing("DOCS", with: docs)
        #expect(sarif([DiagnosticFixtures.retry, DiagnosticFixtures.timeout]) == expected)
    }

    @Test func parsesBackWithEveryUsedRuleAndMatchingIndexes() throws {
        let document = try #require(
            JSONSerialization.jsonObject(with: Data(sarif(DiagnosticFixtures.all).utf8)) as? [String: Any]
        )
        #expect(document["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
        #expect(document["version"] as? String == "2.1.0")
        let runs = try #require(document["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let driver = try #require((runs[0]["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "flow")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        let ruleIDs = rules.compactMap { $0["id"] as? String }
        #expect(ruleIDs == Set(DiagnosticFixtures.all.map(\.rule.id)).sorted())
        for rule in rules {
            let id = try #require(rule["id"] as? String)
            let summary = (rule["shortDescription"] as? [String: Any])?["text"] as? String
            #expect(summary == Rule.all.first { $0.id == id }?.summary)
            #expect(
                rule["helpUri"] as? String == "https://github.com/flow-pipelines/flow/blob/main/docs/rules.md#\(id)"
            )
        }
        let results = try #require(runs[0]["results"] as? [[String: Any]])
        let expected = DiagnosticFixtures.all.sortedForDisplay()
        #expect(results.count == expected.count)
        for (result, diagnostic) in zip(results, expected) {
            let index = try #require(result["ruleIndex"] as? Int)
            #expect(result["ruleId"] as? String == diagnostic.rule.id)
            #expect(ruleIDs[index] == diagnostic.rule.id)
            let level = result["level"] as? String
            #expect(level == (diagnostic.severity == .warning ? "warning" : "error"))
            let location = try #require((result["locations"] as? [[String: Any]])?.first)
            let physical = try #require(location["physicalLocation"] as? [String: Any])
            let region = try #require(physical["region"] as? [String: Int])
            #expect(
                region == [
                    "startLine": diagnostic.location.line, "startColumn": diagnostic.location.column,
                    "endColumn": diagnostic.location.column + diagnostic.length,
                ]
            )
            #expect((physical["artifactLocation"] as? [String: String])?["uri"] == diagnostic.location.file)
        }
    }

    @Test func notesAreNoteLevelAndAnEmptyFileHasNoLocations() throws {
        let note = Diagnostic(.note, .noPipelines, "none", at: SourceLocation(file: "", line: 1, column: 1))
        let result = try #require(try results(of: [note]).first)
        #expect(result["level"] as? String == "note")
        #expect(result["locations"] == nil)
    }

    @Test(arguments: [
        ("pipelines/orders.yml", "pipelines/orders.yml"),
        ("pipelines\\orders.yml", "pipelines/orders.yml"),
        ("./my orders.yml", "./my%20orders.yml"),
        ("café#1?.yml", "caf%C3%A9%231%3F.yml"),
        ("c:/x/100%.yml", "c%3A/x/100%25.yml"),
    ])
    func artifactURIsAreThePathWithForwardSlashesPercentEncoded(path: String, uri: String) throws {
        let diagnostic = Diagnostic.error(.invalidValue, "bad", at: SourceLocation(file: path, line: 1, column: 1))
        let result = try #require(try results(of: [diagnostic]).first)
        let location = try #require((result["locations"] as? [[String: Any]])?.first)
        let artifact = (location["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: String]
        #expect(artifact?["uri"] == uri)
    }
}
