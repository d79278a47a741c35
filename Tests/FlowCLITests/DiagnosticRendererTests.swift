import FlowCLI
import FlowCore
import Testing

struct DiagnosticRendererTests {
    private func text(
        _ diagnostics: [Diagnostic],
        sources: SourceCache = DiagnosticFixtures.sources,
        fileCount: Int = 1,
        color: Bool = false
    ) -> String {
        DiagnosticRenderer.render(diagnostics, format: .text, sources: sources, fileCount: fileCount, color: color)
    }

    /// One diagnostic on a one-line file `f.yml`, rendered as text without the summary.
    private func block(line: String, column: Int, length: Int = 1) -> String {
        let diagnostic = Diagnostic.error(
            .invalidValue,
            "bad",
            at: SourceLocation(file: "f.yml", line: 1, column: column),
            length: length
        )
        let rendered = text([diagnostic], sources: SourceCache(["f.yml": line]))
        return String(rendered.split(separator: "\n\n")[0])
    }

    @Test func textQuotesEachLineWithAnUnderlineAndEndsWithASummary() {
        let expected = """
            pipelines/gone.yml:4:3: error: unknown key "topcis" [unknown-key]
                 = hint: did you mean "topics"?

            pipelines/orders.yml:5:33: error: topic "café" needs at least 1 partition [invalid-value]
               5 |   - { name: "café", partitions: 0 }
                 |                                 ^
                 = hint: set `partitions:` to 1 or more

            pipelines/orders.yml:8:14: error: consumer "billing" has a timeout of 0s [timeout-invalid]
               8 |     timeout: 0s
                 |              ^~

            pipelines/orders.yml:9:5: warning: finite retries with no dead-letter topic [retry-without-dead-letter]
               9 |     retry: { max_attempts: 3 }
                 |     ^~~~~~~~~~~~~~~~~~~~~~~~~~
                 = hint: add a `dead_letter:` topic

            pipelines/orders.yml:12:11: error: consumer "audit" reads undeclared topic "order" [undeclared-topic]
               12 |     from: order
                  |           ^~~~~
                  = hint: did you mean "orders"?

            4 errors and 1 warning in 3 files
            """
        #expect(text(DiagnosticFixtures.all, fileCount: 3) == expected)
    }

    @Test func colorStylesLikeSwiftc() {
        let rendered = text([DiagnosticFixtures.undeclaredTopic], color: true)
        let bold = "\u{1B}[1m"
        let reset = "\u{1B}[0m"
        let cyan = "\u{1B}[36m"
        let expected = [
            "\(bold)pipelines/orders.yml:12:11:\(reset) \u{1B}[1;31merror:\(reset) "
                + "\(bold)consumer \"audit\" reads undeclared topic \"order\"\(reset) [undeclared-topic]",
            "\(cyan)   12 |\(reset)     from: order",
            "\(cyan)      |\(reset)           \u{1B}[1;31m^~~~~\(reset)",
            "\(cyan)      =\(reset) \(bold)hint:\(reset) did you mean \"orders\"?",
            "",
            "\(bold)1 error in 1 file\(reset)",
        ].joined(separator: "\n")
        #expect(rendered == expected)
    }

    @Test func warningsAndNotesTakeTheirOwnColors() {
        let location = SourceLocation(file: "x.yml", line: 1, column: 1)
        let warning = text([.warning(.unreadTopic, "w", at: location)], sources: SourceCache(), color: true)
        let note = text([Diagnostic(.note, .unreadTopic, "n", at: location)], sources: SourceCache(), color: true)
        #expect(warning.contains("\u{1B}[1;33mwarning:\u{1B}[0m"))
        #expect(note.contains("\u{1B}[1;36mnote:\u{1B}[0m"))
    }

    @Test func formatNamesAreStable() {
        #expect(DiagnosticFormat.allCases.map(\.rawValue) == ["text", "json", "github", "sarif"])
    }

    @Test func noDiagnosticsPrintsOnlyTheSummary() {
        #expect(text([], fileCount: 2) == "no problems in 2 files")
    }

    @Test func aLineOutsideTheFileGivesNoExcerpt() {
        let diagnostic = Diagnostic.error(.yamlSyntax, "bad", at: SourceLocation(file: "f.yml", line: 9, column: 1))
        #expect(
            text([diagnostic], sources: SourceCache(["f.yml": "a: 1"]))
                == "f.yml:9:1: error: bad [yaml-syntax]\n\n1 error in 1 file"
        )
    }

    @Test(arguments: [
        // Wide characters take two terminal columns each, so the caret moves two per character.
        ("k: 注文 x", 7, 1, "   1 | k: 注文 x\n     |         ^"),
        // A combining accent takes no column.
        ("k: e\u{301} x", 7, 1, "   1 | k: e\u{301} x\n     |      ^"),
        // An escape character would restyle the terminal: it shows as a space.
        ("k: \u{1B}x", 5, 1, "   1 | k:  x\n     |     ^"),
        // A column just past the end points after the last character.
        ("key:", 5, 3, "   1 | key:\n     |     ^"),
        // A column far past the end is clamped to just after the last character.
        ("key:", 40, 1, "   1 | key:\n     |     ^"),
        // An empty line leaves no trailing space after the gutter.
        ("", 1, 4, "   1 |\n     | ^"),
        // A span over wide characters underlines both columns of each.
        ("k: 注文", 4, 2, "   1 | k: 注文\n     |    ^~~~"),
    ])
    func theCaretLinesUpUnderTheSpan(line: String, column: Int, length: Int, excerpt: String) {
        let expected = "f.yml:1:\(column): error: bad [invalid-value]\n" + excerpt
        #expect(block(line: line, column: column, length: length) == expected)
    }

    @Test(arguments: [
        (0, 0, 0, 1, "no problems in 1 file"),
        (0, 0, 0, 0, "no problems in 0 files"),
        (1, 0, 0, 1, "1 error in 1 file"),
        (2, 0, 0, 3, "2 errors in 3 files"),
        (0, 1, 0, 2, "1 warning in 2 files"),
        (0, 3, 0, 1, "3 warnings in 1 file"),
        (2, 1, 0, 3, "2 errors and 1 warning in 3 files"),
        (1, 2, 0, 1, "1 error and 2 warnings in 1 file"),
        (1, 1, 1, 1, "1 error, 1 warning and 1 note in 1 file"),
        (0, 0, 2, 1, "2 notes in 1 file"),
        (0, 1, 1, 1, "1 warning and 1 note in 1 file"),
    ])
    func summaryCountsWithCorrectPlurals(errors: Int, warnings: Int, notes: Int, files: Int, expected: String) {
        let location = SourceLocation(file: "f.yml", line: 1, column: 1)
        let diagnostics =
            Array(repeating: Diagnostic(.error, .invalidValue, "e", at: location), count: errors)
            + Array(repeating: Diagnostic(.warning, .invalidValue, "w", at: location), count: warnings)
            + Array(repeating: Diagnostic(.note, .invalidValue, "n", at: location), count: notes)
        #expect(DiagnosticRenderer.summary(of: diagnostics, fileCount: files) == expected)
    }
}
