import Foundation
import Testing

extension RedisSharedRunTests {
    /// One line of the ledger: the event's key, its number and the flow process that handled it.
    struct Handling: Hashable {
        var key: String
        var number: Int
        var process: Int32

        static func all(in ledger: String) -> [Handling] {
            CrashTests.ledgerLines(ledger).compactMap { line in
                let fields = line.split(separator: " ")
                guard fields.count == 3, let number = Int(fields[1]), let process = Int32(fields[2]) else { return nil }
                return Handling(key: String(fields[0]), number: number, process: process)
            }
        }

        /// The first handling of each event comes after the first handlings of every earlier event of its key.
        static func expectFirstHandlingsInKeyOrder(_ handlings: [Handling]) {
            var last: [String: Int] = [:]
            var seen = Set<Int>()
            for handling in handlings where seen.insert(handling.number).inserted {
                let before = last[handling.key] ?? 0
                #expect(
                    before < handling.number,
                    "key \(handling.key): \(handling.number) first handled after \(before)"
                )
                last[handling.key] = handling.number
            }
        }
    }

    /// Two consumer processes share the keyed topic; one is paused (SIGSTOP) past its lease, so the other takes
    /// its partitions and handles what it held. Once resumed (SIGCONT), the paused one starts nothing it had
    /// fetched before the pause: it gives those records back, and what it handles afterwards it read anew (only
    /// attempts it had started before the pause may still complete).
    @Test func aMemberPausedPastItsLeaseStartsNothingTheOtherTookOver() throws {
        let port = try #require(redisPort)
        let directory = try RedisSharedRunTests.scratch("pause", database: 8, port: port)
        defer { try? FileManager.default.removeItem(at: directory) }
        let broker = "redis://127.0.0.1:\(port)/8?lease=2s"
        let ledger = directory.appendingPathComponent("ledger.txt").path
        let pipeline = directory.appendingPathComponent("shared.yml").path
        // Room for every event and a slow handler (two workers, 2 ms an event), so both processes
        // always have records fetched and not yet started.
        let events = 4_000
        try Self.pipeline(ledger: ledger, events: events, capacity: events, delay: 0.002).write(
            toFile: pipeline,
            atomically: true,
            encoding: .utf8
        )
        let log = { (name: String) in directory.appendingPathComponent("\(name).log").path }

        // At debug level it logs the records it gives back.
        let paused = try Self.start(
            pipeline,
            only: "consumers",
            broker: broker,
            log: log("a"),
            in: directory,
            options: ["--log-level", "debug"]
        )
        let other = try Self.start(pipeline, only: "consumers", broker: broker, log: log("b"), in: directory)
        let producer = try Self.start(pipeline, only: "shop", broker: broker, log: log("shop"), in: directory)
        defer {
            kill(paused.processIdentifier, SIGCONT)
            for process in [paused, other, producer] where process.isRunning {
                kill(process.processIdentifier, SIGKILL)
            }
        }
        // Pause the first once the partitions are spread: each handled a few hundred (bounded to 60 s).
        for _ in 0..<600 {
            let handlings = Handling.all(in: ledger)
            if [paused, other].allSatisfy({ process in
                handlings.count(where: { $0.process == process.processIdentifier }) >= 200
            }) {
                break
            }
            usleep(100_000)
        }
        kill(paused.processIdentifier, SIGSTOP)
        let before = Handling.all(in: ledger)
        let keysOfPaused = Set(before.filter { $0.process == paused.processIdentifier }.map(\.key))
        try #require(!keysOfPaused.isEmpty, "the first process handled nothing before its pause")
        // The other takes over once the leases lapse: wait until it handled every key the paused one had.
        for _ in 0..<600 {
            let since = Handling.all(in: ledger).dropFirst(before.count)
            let keys = Set(since.filter { $0.process == other.processIdentifier }.map(\.key))
            if keys.isSuperset(of: keysOfPaused) { break }
            usleep(100_000)
        }
        let handledBeforeResume = Handling.all(in: ledger)
        let givenBack = {
            (try? String(contentsOfFile: log("a"), encoding: .utf8)).map {
                $0.components(separatedBy: "records given back").count - 1
            } ?? 0
        }
        let givenBackBeforeResume = givenBack()
        kill(paused.processIdentifier, SIGCONT)

        let statuses = [
            Self.waitForExit(producer, seconds: 120, "the producer"),
            Self.waitForExit(paused, seconds: 120, "the paused consumer"),
            Self.waitForExit(other, seconds: 120, "the other consumer"),
        ]
        func logs() -> String {
            ["shop", "a", "b"].map {
                "== \($0)\n" + ((try? String(contentsOfFile: log($0), encoding: .utf8)) ?? "")
            }
            .joined(separator: "\n")
        }
        #expect(statuses == [0, 0, 0], "\(logs().suffix(4000))")
        #expect(givenBack() > givenBackBeforeResume, "it gave nothing back after the resume: \(logs().suffix(3000))")

        let all = Handling.all(in: ledger)
        #expect(
            Set(all.map(\.number)) == Set(1...events),
            "missing: \(Set(1...events).subtracting(all.map(\.number)).sorted().prefix(20))"
        )
        let takenOver = Set(handledBeforeResume.filter { $0.process == other.processIdentifier }.map(\.number))
        let stale = all.dropFirst(handledBeforeResume.count).filter {
            $0.process == paused.processIdentifier && takenOver.contains($0.number)
        }
        // Only attempts started before the pause (at most `concurrency`, 4) may still complete after it.
        #expect(stale.count <= 4, "handled again after the resume: \(stale.prefix(20).map(\.number))")
        Handling.expectFirstHandlingsInKeyOrder(all)
    }
}
