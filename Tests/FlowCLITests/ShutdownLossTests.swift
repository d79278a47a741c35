import Foundation
import Testing

/// What a stopped run says about events it stored and did not handle: lost on memory (exit 1), left for the
/// next run on SQLite (exit 0), with the real binary and a real signal.
struct ShutdownLossTests {
    /// Up to 1,000 events stored at once, then a consumer that takes an hour per event: a SIGTERM with a short
    /// grace leaves every stored one unhandled.
    static let slow = """
        version: 1
        name: slow
        topics:
          jobs: {}
        producers:
          batch:
            to: jobs
            generate: { count: 1000, event: { type: Job } }
        consumers:
          worker:
            from: jobs
            steps:
              - log: { message: "working", level: warning }
              - delay: 1h
        """

    /// The `jobs` row's numbers (published, retained, lost or left), which must be one number, stored at least once.
    static func jobsRow(_ stdout: String) throws -> Int {
        let row = try #require(stdout.split(separator: "\n").first { $0.hasPrefix("jobs ") })
        let numbers = row.split(separator: " ").dropFirst().compactMap { Int($0) }
        try #require(numbers.count == 3 && Set(numbers).count == 1 && numbers[0] > 0, "\(row)")
        return numbers[0]
    }

    @Test func theMemoryBrokerCountsWhatItCouldNotHandOverAsLostAndExits1() throws {
        let file = try FlowRunTests.writePipeline(Self.slow)
        let outcome = try FlowRunTests.signalled(
            file,
            signals: [SIGTERM],
            after: "working",
            extra: ["--grace", "100ms"]
        )
        #expect(outcome.status == 1, "\(outcome)")
        #expect(outcome.stdout.contains("topic  published  retained  lost"), "\(outcome)")
        let stored = try Self.jobsRow(outcome.stdout)
        let producer = try #require(outcome.stdout.split(separator: "\n").first { $0.hasPrefix("batch ") })
        #expect(producer.split(separator: " ").compactMap { Int($0) }.first == stored, "the counts add up")
        #expect(outcome.stdout.contains("error: \(stored) stored events were lost"), "\(outcome)")
        #expect(outcome.stderr.contains("events lost at shutdown"), "\(outcome)")
    }

    @Test func sqliteLeavesThemForTheNextRunAndExits0() throws {
        let file = try FlowRunTests.writePipeline(Self.slow)
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("flow-left-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: store) }
        let broker = ["--broker", "sqlite:\(store.path)/slow.db", "--grace", "100ms"]
        let first = try FlowRunTests.signalled(file, signals: [SIGTERM], after: "working", extra: broker)
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("topic  published  retained  left"), "\(first)")
        let stored = try Self.jobsRow(first.stdout)
        #expect(
            first.stdout.contains("note: \(stored) stored events were left in the store for the next run"),
            "\(first)"
        )
        #expect(!first.stdout.contains("FAILED"))
    }
}
