import FlowCore
import FlowYAML
import Testing

struct YAMLParserTests {
    private func parse(_ text: String) -> YAMLParseResult {
        YAMLParser.parse(text, file: "p.yml")
    }

    /// `line:column` of a node, or "nil".
    private func at(_ node: Node?) -> String {
        node.map { "\($0.location.line):\($0.location.column)" } ?? "nil"
    }

    private func key(_ mapping: Node?, _ name: String) -> Node? {
        mapping?.mapping?.first { $0.key.scalar?.text == name }?.key
    }

    @Test func keysAndValuesOfNestedMappingsAndListsHaveExactPositions() throws {
        let text = """
            version: 1
            topics:
              orders:
                partitions: 4
            consumers:
              - name: billing
                steps:
                  - exec: [python3, pay.py]
            """
        let result = parse(text)
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.root)
        #expect(at(root) == "1:1")
        #expect(at(key(root, "version")) == "1:1")
        #expect(at(root.value(forKey: "version")) == "1:10")
        #expect(at(key(root, "topics")) == "2:1")
        let topics = root.value(forKey: "topics")
        #expect(at(topics) == "3:3")
        #expect(at(key(topics, "orders")) == "3:3")
        let orders = topics?.value(forKey: "orders")
        #expect(at(key(orders, "partitions")) == "4:5")
        #expect(at(orders?.value(forKey: "partitions")) == "4:17")
        let consumers = root.value(forKey: "consumers")
        #expect(at(consumers) == "6:3")
        let billing = consumers?.sequence?.first
        #expect(at(billing) == "6:5")
        #expect(at(key(billing, "name")) == "6:5")
        #expect(at(billing?.value(forKey: "name")) == "6:11")
        #expect(at(key(billing, "steps")) == "7:5")
        let steps = billing?.value(forKey: "steps")
        #expect(at(steps) == "8:7")
        #expect(at(steps?.sequence?.first) == "8:9")
        let argv = steps?.sequence?.first?.value(forKey: "exec")
        #expect(at(argv) == "8:15")
        #expect(argv?.sequence?.map(at) == ["8:16", "8:25"])
        #expect(root.location.file == "p.yml")
    }

    @Test func quotedAndBlockScalarsStartAtTheirIndicator() throws {
        let text = """
            a: "x y"
            b: 'it''s'
            c: |
              line
            d: >
              folded
              text
            e: plain
            """
        let root = try #require(parse(text).root)
        let expected: [(String, String, Node.Scalar)] = [
            ("a", "1:4", Node.Scalar("x y", style: .doubleQuoted)),
            ("b", "2:4", Node.Scalar("it's", style: .singleQuoted)),
            ("c", "3:4", Node.Scalar("line\n", style: .literal)),
            ("d", "5:4", Node.Scalar("folded text\n", style: .folded)),
            ("e", "8:4", Node.Scalar("plain", style: .plain)),
        ]
        for (name, position, scalar) in expected {
            #expect(at(root.value(forKey: name)) == position, "\(name)")
            #expect(root.value(forKey: name)?.scalar == scalar, "\(name)")
        }
    }

    @Test func columnsCountUnicodeScalarsNotBytes() throws {
        let text = "né: ü\n🙂: \"x\"\ne\u{301}x: [a]\n"
        let root = try #require(parse(text).root)
        #expect(at(root.value(forKey: "né")) == "1:5")
        #expect(at(root.value(forKey: "🙂")) == "2:4")
        #expect(at(root.value(forKey: "e\u{301}x")) == "3:6")
        #expect(at(root.value(forKey: "e\u{301}x")?.sequence?.first) == "3:7")
    }

    @Test func crLfLineBreaksAndAByteOrderMarkKeepPositionsRight() throws {
        let crlf = try #require(parse("a: 1\r\nb: &x\r\n  c\r\nd: !!str e\r\n").root)
        #expect(at(crlf.value(forKey: "b")) == "3:3")
        #expect(at(crlf.value(forKey: "d")) == "4:10")
        let bom = try #require(parse("\u{FEFF}a: &x b\n").root)
        #expect(at(bom.value(forKey: "a")) == "1:7")
    }

    @Test func anchorsTagsAndCommentsBeforeANodeAreSkippedForItsPosition() throws {
        let text = """
            k: !!str &a # why
              "x"
            l: &s [1]
            m: &m
              n: 1
            o: &e
            p: !custom q
            q: &q
            - 1
            """
        let root = try #require(parse(text).root)
        #expect(at(root.value(forKey: "k")) == "2:3")
        #expect(root.value(forKey: "k")?.tag == "!!str")
        #expect(at(root.value(forKey: "l")) == "3:7")
        #expect(at(root.value(forKey: "m")) == "5:3")
        #expect(at(root.value(forKey: "o")) == "6:4")
        #expect(root.value(forKey: "p")?.tag == "!custom")
        #expect(at(root.value(forKey: "p")) == "7:12")
        #expect(at(root.value(forKey: "q")) == "9:1")
        #expect(at(parse("&r\na: 1\n").root) == "2:1")
    }

    @Test func aliasesExpandToCopiesThatKeepTheAnchoredLocations() throws {
        let text = """
            base: &b
              x: 1
            name: &n billing
            copy: *b
            again: *n
            """
        let result = parse(text)
        #expect(result.diagnostics.isEmpty)
        let root = try #require(result.root)
        let copy = try #require(root.value(forKey: "copy"))
        #expect(copy.scalarValue == ["x": 1])
        #expect(at(copy) == "2:3")
        #expect(at(copy.value(forKey: "x")) == "2:6")
        #expect(root.value(forKey: "again")?.scalar?.text == "billing")
        #expect(at(root.value(forKey: "again")) == "3:10")
    }

    @Test func aSingleMergeKeyAddsOnlyTheKeysNotWrittenExplicitly() throws {
        let text = """
            base: &base
              a: 1
              b: 2
            svc:
              b: 3
              <<: *base
              c: 4
            """
        let result = parse(text)
        #expect(result.diagnostics.isEmpty)
        let svc = try #require(result.root?.value(forKey: "svc"))
        #expect(svc.mapping?.map { $0.key.scalar?.text } == ["b", "a", "c"])
        #expect(svc.scalarValue == ["a": 1, "b": 3, "c": 4])
        #expect(at(key(svc, "a")) == "2:3")
    }

    @Test func aListOfMergesLetsEarlierSourcesWin() throws {
        let text = """
            x: &x {a: 1, b: 1}
            y: &y {b: 2, c: 2}
            z:
              <<: [*x, *y]
              c: 3
            w:
              <<: {d: 4}
            """
        let result = parse(text)
        #expect(result.diagnostics.isEmpty)
        let z = try #require(result.root?.value(forKey: "z"))
        #expect(z.mapping?.map { $0.key.scalar?.text } == ["a", "b", "c"])
        #expect(z.scalarValue == ["a": 1, "b": 1, "c": 3])
        #expect(result.root?.value(forKey: "w")?.scalarValue == ["d": 4])
    }

    @Test func aQuotedMergeKeyIsAnOrdinaryKey() throws {
        let root = try #require(parse("\"<<\": {a: 1}\n").root)
        #expect(root.mapping?.first?.key.scalar?.text == "<<")
    }

    @Test func mergingAScalarIsAWrongTypeError() throws {
        let result = parse("a: &a 1\nb:\n  <<: *a\n  c: 2\n")
        #expect(result.diagnostics.count == 1)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.rule == .wrongType)
        #expect(diagnostic.message == "expected a mapping or a list of mappings after \"<<\", found a number")
        #expect(diagnostic.location == SourceLocation(file: "p.yml", line: 1, column: 7))
        #expect(result.root?.value(forKey: "b")?.scalarValue == ["c": 2])
    }

    @Test func duplicateKeysAreAllReportedAtTheSecondOccurrenceAndTheFirstIsKept() throws {
        let text = """
            name: a
            other:
              x: 1
              "x": 2
            name: b
            """
        let result = parse(text)
        #expect(
            result.diagnostics == [
                .error(
                    .yamlDuplicateKey,
                    "duplicate key \"x\"",
                    at: SourceLocation(file: "p.yml", line: 4, column: 3),
                    length: 3,
                    hint: "the first \"x\" is at line 3"
                ),
                .error(
                    .yamlDuplicateKey,
                    "duplicate key \"name\"",
                    at: SourceLocation(file: "p.yml", line: 5, column: 1),
                    length: 4,
                    hint: "the first \"name\" is at line 1"
                ),
            ]
        )
        #expect(result.root?.scalarValue == ["name": "a", "other": ["x": 1]])
    }

    @Test func keysFromAMergeAreNotDuplicates() {
        let result = parse("base: &b {name: x}\nsvc:\n  name: y\n  <<: *b\n")
        #expect(result.diagnostics.isEmpty)
        #expect(result.root?.value(forKey: "svc")?.scalarValue == ["name": "y"])
    }

    @Test func anUnknownAliasSuggestsTheClosestAnchor() throws {
        let result = parse("base: &base {a: 1}\nx: *bsae\n")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(result.diagnostics.count == 1)
        #expect(diagnostic.rule == .yamlUnknownAlias)
        #expect(diagnostic.message == "alias \"*bsae\" refers to an undefined anchor")
        #expect(diagnostic.location == SourceLocation(file: "p.yml", line: 2, column: 4))
        #expect(diagnostic.length == 5)
        #expect(diagnostic.hint == "did you mean \"*base\"?")
        #expect(result.root?.value(forKey: "base")?.scalarValue == ["a": 1])
    }

    @Test func anUnknownAliasWithNoCloseAnchorSaysToDefineIt() throws {
        let result = parse("x: *zzz\ny: &later 1\n")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.rule == .yamlUnknownAlias)
        #expect(diagnostic.hint == "define \"&zzz\" on a node before this alias")
    }

    @Test func mergingAnUnknownAliasReportsOnlyTheAlias() {
        let result = parse("base: &base {a: 1}\nx:\n  <<: [*base, *nope]\n  b: 2\n")
        #expect(result.diagnostics.map(\.rule) == [.yamlUnknownAlias])
        #expect(result.root?.value(forKey: "x")?.scalarValue == ["b": 2])
    }

    @Test func anAliasInsideItsOwnAnchorIsReported() throws {
        let result = parse("a: &a [1, *a]\n")
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.rule == .yamlUnknownAlias)
        #expect(diagnostic.message == "alias \"*a\" refers to the node that contains it")
        #expect(diagnostic.location == SourceLocation(file: "p.yml", line: 1, column: 11))
    }

    struct SyntaxCase: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var position: String
        var message: String
        var hint: String?
        var testDescription: String { name }
    }

    static let syntaxCases: [SyntaxCase] = [
        SyntaxCase(
            name: "tab as the whole indentation",
            text: "a:\n\tb: 1\n",
            position: "2:1",
            message: "found character that cannot start any token while scanning for the next token",
            hint: "YAML indentation must use spaces, not tabs"
        ),
        SyntaxCase(
            name: "tab after a nested key",
            text: "a:\n  b: 1\n\tc: 2\n",
            position: "3:1",
            message: "found a tab character that violates indentation while scanning a plain scalar",
            hint: "YAML indentation must use spaces, not tabs"
        ),
        SyntaxCase(
            name: "unclosed double quote",
            text: "a: \"abc\nb: 1\n",
            position: "3:1",
            message: "found unexpected end of stream while scanning a quoted scalar",
            hint: "close the quote opened at line 1, column 4"
        ),
        SyntaxCase(
            name: "unclosed single quote",
            text: "x: 1\ny: 'abc\n",
            position: "3:1",
            message: "found unexpected end of stream while scanning a quoted scalar",
            hint: "close the quote opened at line 2, column 4"
        ),
        SyntaxCase(
            name: "key indented less than its siblings",
            text: "a:\n  b: 1\n c: 2\n",
            position: "3:2",
            message: "did not find expected key while parsing a block mapping",
            hint: "keys of one mapping must start in the same column"
        ),
        SyntaxCase(
            name: "key indented more than its siblings",
            text: "a: 1\n  b: 2\n",
            position: "2:4",
            message: "mapping values are not allowed in this context",
            hint: "check this line's indentation, or quote a value that contains \": \""
        ),
        SyntaxCase(
            name: "list item out of line",
            text: "- a\nb: c\n",
            position: "2:1",
            message: "did not find expected '-' indicator while parsing a block collection",
            hint: "items of one list must start in the same column"
        ),
        SyntaxCase(
            name: "unclosed flow list",
            text: "a: [1, 2\n",
            position: "2:1",
            message: "did not find expected ',' or ']' while parsing a flow sequence",
            hint: "close the list opened at line 1, column 4 with \"]\""
        ),
        SyntaxCase(
            name: "unclosed flow mapping",
            text: "a: {b: 1\n",
            position: "2:1",
            message: "did not find expected ',' or '}' while parsing a flow mapping",
            hint: "close the mapping opened at line 1, column 4 with \"}\""
        ),
        SyntaxCase(
            name: "key without colon",
            text: "a: 1\nb\nc: 2\n",
            position: "3:1",
            message: "could not find expected ':' while scanning a simple key",
            hint: "add \":\" after the key at line 2, column 1, or indent the line to continue the value above"
        ),
        SyntaxCase(
            name: "reserved indicator",
            text: "a: @x\n",
            position: "1:4",
            message: "found character that cannot start any token while scanning for the next token",
            hint: "quote a value that starts with \"@\""
        ),
        SyntaxCase(
            name: "unknown escape",
            text: "a: \"C:\\dir\"\n",
            position: "1:7",
            message: "found unknown escape character while parsing a quoted scalar",
            hint: "in double quotes write a backslash as \"\\\\\", or use single quotes"
        ),
        SyntaxCase(
            name: "control character after non-ASCII text",
            text: "é: ü\u{1}\n",
            position: "1:5",
            message: "control characters are not allowed",
            hint: "remove the control character U+0001"
        ),
    ]

    @Test(arguments: syntaxCases)
    func libyamlSyntaxErrorsBecomeOneDiagnosticAtTheProblem(_ testCase: SyntaxCase) throws {
        let result = parse(testCase.text)
        #expect(result.root == nil)
        #expect(result.diagnostics.count == 1)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.rule == .yamlSyntax)
        #expect("\(diagnostic.location.line):\(diagnostic.location.column)" == testCase.position)
        #expect(diagnostic.message == testCase.message)
        #expect(diagnostic.hint == testCase.hint)
    }

    @Test func aSecondDocumentIsAnErrorAtItsMarker() throws {
        let result = parse("a: 1\n---\nb: 2\n")
        #expect(result.root == nil)
        #expect(
            result.diagnostics == [
                .error(
                    .yamlSyntax,
                    "a pipeline file holds one YAML document",
                    at: SourceLocation(file: "p.yml", line: 2, column: 1),
                    length: 3,
                    hint: "remove the second \"---\" or move that document into a file of its own"
                )
            ]
        )
    }

    @Test func oneExplicitDocumentIsFine() {
        let result = parse("---\na: 1\n...\n")
        #expect(result.diagnostics.isEmpty)
        #expect(result.root?.scalarValue == ["a": 1])
    }

    @Test(arguments: ["", "\n\n", "# only a comment\n", "---\n", "--- # empty\n...\n"])
    func anEmptyDocumentHasNoRootAndNoError(_ text: String) {
        let result = parse(text)
        #expect(result.root == nil)
        #expect(result.diagnostics.isEmpty)
    }

    @Test func aDocumentThatIsOnlyNullStillHasARoot() {
        #expect(parse("~\n").root?.scalarValue == .null)
    }

    /// A valid 40-line pipeline, mutated 2,000 times by deleting, inserting and duplicating bytes and lines.
    @Test func randomMutationsNeverCrashAndAlwaysExplainThemselves() {
        var random = SeededRandom(seed: 20_240_601)
        let original = Array(Self.pipeline.utf8)
        let alphabet = Array(" \t\n:-[]{},#&*!|>'\"<%@`?~.0a\u{1}".utf8) + Array("é".utf8)
        var rootless = 0
        for _ in 0..<2_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                Self.mutate(&bytes, alphabet: alphabet, using: &random)
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let result = YAMLParser.parse(text, file: "fuzz.yml")
            #expect(result.root != nil || !result.diagnostics.isEmpty, "\(text)")
            if result.root == nil { rootless += 1 }
        }
        #expect(rootless > 100)
    }

    private static func mutate(_ bytes: inout [UInt8], alphabet: [UInt8], using random: inout SeededRandom) {
        guard !bytes.isEmpty else { return }
        let position = Int.random(in: 0..<bytes.count, using: &random)
        let lineStart = bytes[..<position].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let lineEnd = bytes[position...].firstIndex(of: 0x0A).map { $0 + 1 } ?? bytes.count
        switch Int.random(in: 0..<5, using: &random) {
        case 0:
            bytes.remove(at: position)
        case 1:
            bytes.insert(alphabet.randomElement(using: &random)!, at: position)
        case 2:
            bytes.insert(bytes[position], at: position)
        case 3:
            bytes.removeSubrange(lineStart..<lineEnd)
        default:
            bytes.insert(contentsOf: bytes[lineStart..<lineEnd], at: lineStart)
        }
    }

    static let pipeline = """
        version: 1
        name: orders
        defaults: &defaults
          timeout: 2s
          retry: { max_attempts: 5, backoff: exponential, initial: 100ms, max: 10s }
        topics:
          orders: { partitions: 4, key: data.customer_id }
          payments: {}
          orders.dlq: {}
        producers:
          checkout:
            to: orders
            generate:
              count: 10000
              rate: 500/s
              event:
                type: OrderCreated
                data:
                  order_id: "${uuid()}"
                  customer_id: "${random_int(1, 50)}"
                  amount: '${random_float(5, 500)}'
        consumers:
          payment-service:
            <<: *defaults
            from: orders
            group: payments
            concurrency: 4
            filter: type == "OrderCreated" && data.amount > 0
            steps:
              - exec: [python3, examples/handlers/pay.py]
              - emit: { to: payments, type: PaymentProcessed }
            dead_letter: orders.dlq
            circuit_breaker: { failures: 5, open_for: 30s }
          audit:
            from: payments
            steps:
              - log: |
                  paid ${data.order_id}
            note: >
              folded text
        """
}
