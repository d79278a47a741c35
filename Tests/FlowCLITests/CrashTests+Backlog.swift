import Foundation
import Testing

extension CrashTests {
    /// A backlog stored before the consumers start is delivered while they join the group; a record that fails
    /// at once must have its retry state stored all the same, so a crash during its backoff keeps its attempts.
    @Test func aBacklogRecordThatFailsAtOnceKeepsItsAttemptsAcrossACrash() throws {
        let scratch = Scratch()
        try FileManager.default.createDirectory(at: scratch.directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch.directory) }
        try """
        version: 1
        name: backlog
        topics:
          orders: { partitions: 1 }
          orders.dlq: {}
        producers:
          shop:
            to: orders
            generate: { count: 3, event: { type: OrderPlaced, data: { n: "${seq()}" } } }
        consumers:
          charge:
            from: orders
            dead_letter: orders.dlq
            retry: { max_attempts: 5, backoff: constant, initial: 1h, max: 1h }
            steps:
              - fail: { message: "gateway down" }
        """.write(toFile: scratch.pipeline, atomically: true, encoding: .utf8)
        let broker = "sqlite:\(scratch.store)"
        let log = { (name: String) in scratch.directory.appendingPathComponent("\(name).log").path }
        let text = { (name: String) in (try? String(contentsOfFile: log(name), encoding: .utf8)) ?? "" }
        func count(_ needle: String, in name: String) -> Int { text(name).components(separatedBy: needle).count - 1 }

        let producer = try RedisSharedRunTests.start(
            scratch.pipeline,
            only: "shop",
            broker: broker,
            log: log("shop"),
            in: scratch.directory
        )
        // Its run would wait for the consumers it does not run: stopped once the producer finished.
        for _ in 0..<300 where count("producer finished", in: "shop") < 1 {
            usleep(100_000)  // polling another process's progress, bounded to 30 s
        }
        kill(producer.processIdentifier, SIGTERM)
        #expect(RedisSharedRunTests.waitForExit(producer, seconds: 60, "the producer") == 0, "\(text("shop"))")

        /// Runs the consumers on the store until `needle` was logged 3 times (bounded to 30 s), then SIGKILLs them.
        func runConsumers(_ name: String, until needle: String) throws {
            let run = try RedisSharedRunTests.start(
                scratch.pipeline,
                only: "consumers",
                broker: broker,
                log: log(name),
                in: scratch.directory
            )
            for _ in 0..<300 where count(needle, in: name) < 3 {
                usleep(100_000)  // polling another process's progress, bounded to 30 s
            }
            kill(run.processIdentifier, SIGKILL)
            run.waitUntilExit()
        }

        // The consumers start on the stored backlog; each record fails at once and waits an hour to retry.
        try runConsumers("first", until: "event retry scheduled")
        #expect(count("event retry scheduled", in: "first") == 3, "\(text("first"))")

        // The next run finds each still waiting with its attempt counted, not as a fresh record.
        try runConsumers("second", until: "event retry resumed")
        #expect(count("event retry resumed", in: "second") == 3, "\(text("second"))")
        #expect(count("event delivered", in: "second") == 0, "\(text("second"))")
    }
}
