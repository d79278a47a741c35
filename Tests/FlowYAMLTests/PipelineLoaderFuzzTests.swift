import FlowCore
import FlowYAML
import Foundation
import Testing

/// Seeded mutations of every shipped pipeline never crash the loader, and every outcome explains itself:
/// a pipeline, or at least one error, never neither.
struct PipelineLoaderFuzzTests {
    static let pipelinesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("pipelines")

    static var shippedPipelines: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: pipelinesDirectory.path)) ?? []
        return names.filter { ($0.hasSuffix(".yml") || $0.hasSuffix(".yaml")) && !$0.contains(".test.") }.sorted()
    }

    /// Tokens of the pipeline language and of YAML, so mutations often get past the parser into the checks.
    private static let fragments = [
        " ", "\n", "\t", ":", "- ", "[", "]", "{", "}", ",", "#", "&a ", "*a", "<<: ", "!!str ", "|", ">", "'", "\"",
        "~", "null", "true", "NO", "0", "-1", "99999999999999999999", "1.5", "250ms", "2 seconds", "500/s", "0/s",
        "${", "}", "${seq()}", "${env.HOME}", "${env.GONE}", "data.amount >", "orders", "orders.dlq", "steps:",
        "- drop", "- log: x", "- emitt: y", "retry: { max_attempts: 0 }", "dead_letter: ", "from: ", "to: ", "é",
        "\u{0}", "\u{FEFF}",
    ]

    @Test(arguments: shippedPipelines)
    func mutatedPipelinesNeverCrashAndAlwaysExplainThemselves(file: String) throws {
        let original = try String(
            contentsOf: Self.pipelinesDirectory.appendingPathComponent(file),
            encoding: .utf8
        )
        let loader = PipelineLoader(options: LoaderOptions(environment: ["HOME": "/root"]))
        #expect(loader.load(text: original, file: file).pipeline != nil)
        var random = SeededRandom(seed: 20_250_101 &+ UInt64(file.utf8.count))
        var loaded = 0
        var rejected = 0
        for round in 0..<2_000 {
            var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                Self.mutate(&lines, using: &random)
            }
            let text = lines.joined(separator: "\n")
            let result = loader.load(text: text, file: file)
            if let pipeline = result.pipeline {
                loaded += 1
                #expect(!result.diagnostics.hasErrors, "round \(round): a pipeline despite errors:\n\(text)")
                #expect(pipeline.location.file == file)
            } else {
                rejected += 1
                #expect(result.diagnostics.hasErrors, "round \(round): neither a pipeline nor an error:\n\(text)")
            }
            for diagnostic in result.diagnostics {
                #expect(diagnostic.location.file == file)
                #expect(diagnostic.location.line >= 1 && diagnostic.location.column >= 1)
            }
        }
        #expect(loaded + rejected == 2_000)
        #expect(loaded > 50, "mutations should often keep the file valid")
        #expect(rejected > 200, "mutations should often break the file")
    }

    private static func mutate(_ lines: inout [String], using random: inout SeededRandom) {
        guard !lines.isEmpty else {
            lines = [fragments.randomElement(using: &random)!]
            return
        }
        let index = Int.random(in: 0..<lines.count, using: &random)
        var line = Array(lines[index])
        let position = Int.random(in: 0...line.count, using: &random)
        switch Int.random(in: 0..<7, using: &random) {
        case 0:
            lines.remove(at: index)
        case 1:
            lines.insert(lines[index], at: index)
        case 2:
            lines.swapAt(index, Int.random(in: 0..<lines.count, using: &random))
        case 3:
            line.insert(contentsOf: fragments.randomElement(using: &random)!, at: position)
            lines[index] = String(line)
        case 4:
            if position < line.count { line.remove(at: position) }
            lines[index] = String(line)
        case 5:
            let end = Int.random(in: position...line.count, using: &random)
            line.replaceSubrange(position..<end, with: fragments.randomElement(using: &random)!)
            lines[index] = String(line)
        default:
            let other = lines[Int.random(in: 0..<lines.count, using: &random)]
            lines[index] = String(line.prefix(position)) + other.drop { $0 == " " }
        }
    }
}
