import Foundation
import Testing

/// `flow dlq list --broker sqlite:PATH`: the dead letters a run left in its store, read by another process.
struct DeadLetterStoreTests {
    @Test func deadLettersStayInTheStoreAndAreListedFromIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-dlq-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = "sqlite:\(directory.path)/payments.db"
        let flow = try FlowBinaryTests.flowBinary()
        let run = try ChildProcess.run(
            flow,
            ["run", "pipelines/retry-and-dlq.yml", "--until-idle", "--log-level", "error", "--broker", store]
        )
        #expect(run.status == 0, "\(run)")
        let list = try ChildProcess.run(flow, ["dlq", "list", "--broker", store])
        #expect(list.status == 0, "\(list)")
        #expect(list.stdout.contains("10 dead letters in \"payments.dlq\" of \(directory.path)/payments.db"), "\(list)")
        #expect(list.stdout.contains("10 × card declined"), "\(list)")
        let missing = try ChildProcess.run(flow, ["dlq", "list", "--broker", store, "nope"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("the store has no topic \"nope\""))
        let usage = try ChildProcess.run(flow, ["dlq", "list", "--broker", "memory:"])
        #expect(usage.status == 64)
    }
}
