import Dispatch
import FlowCore
import FlowRuntime
import FlowSQLite
import Foundation
import Testing

/// One backend the delivery contract runs against: a new backend is done when it passes the suite unchanged,
/// after adding itself to `all`.
struct Backend: Sendable, CustomTestStringConvertible {
    let name: String
    /// Whether what it stored outlives the broker (the restart tests run only then).
    let isDurable: Bool
    /// Opens the backend's state at `location` (a fresh temporary path per test; durable backends reopen it).
    let open: @Sendable (_ scheduler: ManualScheduler, _ location: String) throws -> any TopicListing

    var testDescription: String { name }

    static let memory = Backend(name: "memory", isDurable: false) { scheduler, _ in
        MemoryBroker(scheduler: scheduler)
    }
    static let sqliteFull = Backend(name: "sqlite", isDurable: true) { scheduler, location in
        try SQLiteBroker(path: location, durability: .full, scheduler: scheduler)
    }
    static let sqliteProcess = Backend(name: "sqlite?durability=process", isDurable: true) { scheduler, location in
        try SQLiteBroker(path: location, durability: .process, scheduler: scheduler)
    }

    static let all: [Backend] = [.memory, .sqliteFull, .sqliteProcess]
    static let durable: [Backend] = all.filter(\.isDurable)
}
