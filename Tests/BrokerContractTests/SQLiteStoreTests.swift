import FlowCore
import FlowRuntime
import FlowSQLite
import Foundation
import Testing

/// What only the SQLite store promises: one owner, and a clear error for every file it cannot use.
struct SQLiteStoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flow-store-\(UUID().uuidString)")
    let scheduler = ManualScheduler()

    init() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func openError(_ path: String) -> String? {
        do {
            _ = try SQLiteBroker(path: path, scheduler: scheduler)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aSecondOwnerIsRefusedAndTheFirstOnesExitFreesTheStore() throws {
        let store = path("orders.db")
        var first: SQLiteBroker? = try SQLiteBroker(path: store, scheduler: scheduler)
        #expect(first != nil)
        #expect(openError(store)?.contains("another flow run owns this store") == true)
        first = nil
        #expect(openError(store) == nil)
    }

    @Test func aMissingDirectoryIsCreated() throws {
        let store = path("state/deeper/orders.db")
        #expect(openError(store) == nil)
        #expect(FileManager.default.fileExists(atPath: store))
    }

    @Test func aDirectoryIsNotAStore() throws {
        #expect(openError(directory.path)?.contains("is a directory") == true)
    }

    @Test func aFileOfSomethingElseIsRefused() throws {
        let text = path("notes.txt")
        try "not a database at all, just some text that is long enough to look like a header".write(
            toFile: text,
            atomically: true,
            encoding: .utf8
        )
        let message = try #require(openError(text))
        #expect(message.hasPrefix("sqlite store \"\(text)\": "))
    }

    @Test func aStoreFromANewerFlowIsRefused() throws {
        let store = path("newer.db")
        do { _ = try SQLiteBroker(path: store, scheduler: scheduler) }
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version=99')"
        sqlite.arguments = ["python3", "-c", script + "; c.commit()", store]
        try sqlite.run()
        sqlite.waitUntilExit()
        try #require(sqlite.terminationStatus == 0)
        #expect(openError(store)?.contains("written by a newer flow") == true)
    }

    @Test func changingThePartitionCountOfAStoredTopicIsAClearError() async throws {
        let store = path("orders.db")
        do {
            let broker = try SQLiteBroker(path: store, scheduler: scheduler)
            try await broker.declare(TopicSpec(name: "orders", partitions: 2))
            await broker.flush()
        }
        let broker = try SQLiteBroker(path: store, scheduler: scheduler)
        await #expect {
            try await broker.declare(TopicSpec(name: "orders", partitions: 4))
        } throws: { error in
            "\(error)".contains("is stored in \"\(store)\" with 2 partitions, the pipeline declares 4")
        }
    }
}
