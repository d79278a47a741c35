import FlowCore
import FlowYAML
import Testing

struct YAMLLimitsTests {
    private func onlyLimitError(_ result: YAMLParseResult) throws -> Diagnostic {
        #expect(result.root == nil)
        #expect(result.diagnostics.count == 1)
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.rule == .yamlLimit)
        return diagnostic
    }

    @Test func theDefaultsAreFourMebibytesSixtyFourLevelsAndAHundredThousandNodes() {
        #expect(YAMLLimits.default == YAMLLimits(maxBytes: 4_194_304, maxDepth: 64, maxNodes: 100_000))
    }

    @Test func aBillionLaughsDocumentIsRejectedWithinMilliseconds() throws {
        var lines = ["a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]"]
        let names = Array("abcdefghij").map(String.init)
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append(
                "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]"
            )
        }
        let text = lines.joined(separator: "\n")
        let result = YAMLParser.parse(text, file: "lol.yml")
        let diagnostic = try onlyLimitError(result)
        #expect(diagnostic.message == "the document expands to more than 100000 nodes")
        #expect(diagnostic.location.line == 6)
    }

    @Test func aNodeLimitAtIntMaxStillStopsAnOverflowingExpansion() throws {
        var lines = ["a: &a [x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x]"]
        for level in 1..<40 {
            lines.append(
                "l\(level): &l\(level) ["
                    + Array(repeating: level == 1 ? "*a" : "*l\(level - 1)", count: 16)
                    .joined(separator: ", ") + "]"
            )
        }
        let limits = YAMLLimits(maxDepth: 100, maxNodes: .max)
        let diagnostic = try onlyLimitError(
            YAMLParser.parse(lines.joined(separator: "\n"), file: "o.yml", limits: limits)
        )
        #expect(diagnostic.message.hasPrefix("the document expands to more than"))
    }

    @Test func athousandOpenBracketsStopAtTheSixtyFifthLevel() throws {
        let text = "v: " + String(repeating: "[", count: 1_000)
        let diagnostic = try onlyLimitError(YAMLParser.parse(text, file: "deep.yml"))
        #expect(diagnostic.message == "the document nests deeper than 64 levels")
        #expect(diagnostic.location == SourceLocation(file: "deep.yml", line: 1, column: 67))
    }

    @Test func sixtyFourLevelsAreAllowed() {
        let text = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        let result = YAMLParser.parse(text, file: "deep.yml")
        #expect(result.diagnostics.isEmpty)
        #expect(result.root?.sequence != nil)
    }

    @Test func anAliasCountsTheDepthOfWhatItCopies() throws {
        let inner = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        // The root list is level 1, the anchored list spans 40 levels: 23 more brackets reach exactly 64.
        let outer = String(repeating: "[", count: 23) + "*a" + String(repeating: "]", count: 23)
        let allowed = YAMLParser.parse("- &a \(inner)\n- \(outer)\n", file: "d.yml")
        #expect(allowed.diagnostics.isEmpty)
        let tooDeep = "- &a \(inner)\n- [\(outer)]\n"
        let diagnostic = try onlyLimitError(YAMLParser.parse(tooDeep, file: "d.yml"))
        #expect(diagnostic.location == SourceLocation(file: "d.yml", line: 2, column: 27))
    }

    @Test func anOversizeFileIsRejectedBeforeParsing() throws {
        let limits = YAMLLimits(maxBytes: 10)
        #expect(YAMLParser.parse("a: 1234567", file: "s.yml", limits: limits).diagnostics.isEmpty)
        let diagnostic = try onlyLimitError(YAMLParser.parse("a: \"12345678", file: "s.yml", limits: limits))
        #expect(diagnostic.message == "the file is 12 bytes, more than the limit of 10 bytes")
        #expect(diagnostic.location == SourceLocation(file: "s.yml", line: 1, column: 1))
    }

    @Test func aDocumentJustOverFourMebibytesIsRejected() throws {
        let text = "a: \"" + String(repeating: "x", count: 4 * 1024 * 1024) + "\""
        let diagnostic = try onlyLimitError(YAMLParser.parse(text, file: "big.yml"))
        #expect(diagnostic.message == "the file is 4194309 bytes, more than the limit of 4194304 bytes")
    }

    @Test func theNodeLimitCountsEveryNodeIncludingAliasCopies() throws {
        let limits = YAMLLimits(maxNodes: 7)
        // mapping, key a, list, 1, 2, key b, alias copy of the 3-node list = 9 nodes.
        let text = "a: &l [1, 2]\nb: *l\n"
        #expect(YAMLParser.parse(text, file: "n.yml", limits: YAMLLimits(maxNodes: 9)).diagnostics.isEmpty)
        let diagnostic = try onlyLimitError(YAMLParser.parse(text, file: "n.yml", limits: limits))
        #expect(diagnostic.location == SourceLocation(file: "n.yml", line: 2, column: 4))
    }

    @Test func aThousandConsumerFileParsesWhole() throws {
        var lines = ["version: 1", "name: big", "topics:", "  orders: {}", "consumers:"]
        for index in 0..<1_000 {
            lines += [
                "  consumer-\(index):", "    from: orders", "    group: g\(index)", "    concurrency: 4",
                "    steps:", "      - exec: [python3, handler.py, \"\(index)\"]", "    retry: { max_attempts: 5 }",
                "    dead_letter: orders.dlq",
            ]
        }
        let text = lines.joined(separator: "\n")
        let result = YAMLParser.parse(text, file: "big.yml")
        let consumers = try #require(result.root?.value(forKey: "consumers")?.mapping)
        #expect(consumers.count == 1_000)
        #expect(result.diagnostics.isEmpty)
    }
}
