import FlowCore
import FlowSQLite

extension DeadLetterList {
    /// The dead letters of `topics` (every stored topic no group reads when empty) in the store at `url`, read
    /// without disturbing a pipeline that owns it.
    static func render(store url: BrokerURL, topics: [String]) -> (output: String, errors: String, exitCode: Int32) {
        guard case .sqlite(let path, _, _) = url else { return ("", "flow: \(url) keeps no dead letters", 1) }
        do {
            let reader = try SQLiteStoreReader(path: path)
            let names = topics.isEmpty ? try reader.unreadTopics() : topics
            var events: [[String: Value]] = []
            var problems: [String] = []
            for name in names {
                guard let stored = try reader.events(of: name) else {
                    problems.append("\(path): error: the store has no topic \"\(name)\"")
                    continue
                }
                for event in stored {
                    if case .object(let members) = event.jsonObject { events.append(members) }
                }
            }
            let quoted = names.map { "\"\($0)\"" }.joined(separator: ", ")
            let source = names.isEmpty ? "\(path) (no unread topics)" : "\(quoted) of \(path)"
            return (render(events, from: source), problems.joined(separator: "\n"), problems.isEmpty ? 0 : 1)
        } catch {
            return ("", "flow: \(error)", 1)
        }
    }
}
