import FlowRuntime
import Logging
import Synchronization

/// Captures log records stamped with the manual clock's time, so tests can assert exact timelines
/// (`"event delivered"` at 0 ms, 100 ms, 300 ms …).
///
/// Invariant: entries are kept in the order they were logged; `at` is the scheduler's `now` at that moment.
public final class VirtualTimeLog: Sendable {
    /// One captured record.
    public struct Entry: Sendable {
        public var at: Duration
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]
    }

    private let entries = Mutex<[Entry]>([])
    let scheduler: any FlowScheduler

    init(scheduler: any FlowScheduler) {
        self.scheduler = scheduler
    }

    /// Everything logged so far.
    public var all: [Entry] { entries.withLock { $0 } }

    /// Records whose message is `message`, in order.
    public func entries(_ message: String) -> [Entry] {
        all.filter { $0.message == message }
    }

    func append(_ entry: Entry) {
        entries.withLock { $0.append(entry) }
    }

    /// A logger writing into this capture at `trace` and above.
    func logger() -> Logger {
        Logger(label: "flow.test") { _ in Handler(log: self) }
    }

    private struct Handler: LogHandler {
        let log: VirtualTimeLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            if let extra = event.metadata { merged.merge(extra) { _, new in new } }
            log.append(
                Entry(
                    at: log.scheduler.now,
                    level: event.level,
                    message: "\(event.message)",
                    metadata: merged.mapValues { "\($0)" }
                )
            )
        }
    }
}
