import Foundation
import Testing

/// `--broker URL` on the real binary: the same parser and message as the `broker-url` rule.
struct BrokerOptionTests {
    @Test func aMalformedBrokerIsAUsageErrorWithTheRulesHint() throws {
        let outcome = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["run", "pipelines/hello.yml", "--broker", "kafka://localhost:9092"]
        )
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("--broker: unknown broker \"kafka\"; write memory:, sqlite:PATH"), "\(outcome)")
    }

    @Test func aStoreThatCannotBeOpenedStopsTheRunWithExit1() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-dir-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["run", "pipelines/hello.yml", "--until-idle", "--broker", "sqlite:\(directory.path)"]
        )
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("flow: sqlite store \"\(directory.path)\": is a directory"), "\(outcome)")
    }
}
