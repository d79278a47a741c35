import FlowCLI
import FlowCore

/// A fixed pipeline file and findings about it, shared by the renderer tests of every format.
///
/// Covers: a multi-byte line (`café`, caret after it), a tab before the span, a span that runs past the end of
/// its line, a file with no source text, diagnostics with and without a hint, and out-of-order input.
enum DiagnosticFixtures {
    static let ordersPath = "pipelines/orders.yml"
    static let gonePath = "pipelines/gone.yml"

    static let ordersText = [
        "version: 1",
        "name: orders",
        "topics:",
        "  - name: orders",
        "  - { name: \"café\", partitions: 0 }",
        "consumers:",
        "  - name: billing",
        "    timeout:\t0s",
        "    retry: { max_attempts: 3 }",
        "    steps: [{ log: \"billed\" }]",
        "  - name: audit",
        "    from: order",
        "",
    ].joined(separator: "\n")

    static let sources = SourceCache([ordersPath: ordersText])

    static func at(_ file: String, _ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    static let undeclaredTopic = Diagnostic.error(
        .undeclaredTopic,
        "consumer \"audit\" reads undeclared topic \"order\"",
        at: at(ordersPath, 12, 11),
        length: 5,
        hint: "did you mean \"orders\"?"
    )
    static let partitions = Diagnostic.error(
        .invalidValue,
        "topic \"café\" needs at least 1 partition",
        at: at(ordersPath, 5, 33),
        hint: "set `partitions:` to 1 or more"
    )
    static let timeout = Diagnostic.error(
        .timeoutInvalid,
        "consumer \"billing\" has a timeout of 0s",
        at: at(ordersPath, 8, 14),
        length: 2
    )
    static let retry = Diagnostic.warning(
        .retryWithoutDeadLetter,
        "finite retries with no dead-letter topic",
        at: at(ordersPath, 9, 5),
        length: 40,
        hint: "add a `dead_letter:` topic"
    )
    static let unknownKey = Diagnostic.error(
        .unknownKey,
        "unknown key \"topcis\"",
        at: at(gonePath, 4, 3),
        length: 6,
        hint: "did you mean \"topics\"?"
    )

    /// Deliberately not in display order: renderers must sort.
    static let all = [undeclaredTopic, partitions, timeout, retry, unknownKey]
}
