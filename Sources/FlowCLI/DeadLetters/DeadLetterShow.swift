import FlowCore
import FlowSQLite
import Foundation

/// `flow dlq show`: finds one envelope by id in a `--dead-letters` file or a store's topic.
enum DeadLetterShow {
    /// Why no envelope is shown: one line for stderr.
    struct Problem: Error {
        var message: String
    }

    /// The envelope with `id` in `file` (JSON lines; the first match).
    static func find(_ id: String, file: String) -> Result<Value, Problem> {
        guard let data = FileManager.default.contents(atPath: file) else {
            return .failure(Problem(message: "\(file): error: cannot read the file"))
        }
        for line in data.split(separator: 0x0A) {
            if case .object(let members)? = try? Value(json: line), members["id"] == .string(id) {
                return .success(.object(members))
            }
        }
        return .failure(
            Problem(message: "\(file): error: no dead letter with id \"\(id)\"; `flow dlq list \(file)` shows the ids")
        )
    }

    /// The envelope with `id` among `events` of `topic`, read at `place` (from `--broker broker`).
    private static func envelope(
        _ id: String,
        in events: [CloudEvent],
        of topic: String,
        at place: String,
        broker: String
    ) -> Result<Value, Problem> {
        guard let event = events.first(where: { $0.id == id }) else {
            return .failure(
                Problem(
                    message: "\(place): error: no dead letter with id \"\(id)\" in topic \"\(topic)\"; "
                        + "`flow dlq list --broker \(broker) \(topic)` shows the ids"
                )
            )
        }
        return .success(event.jsonObject)
    }

    /// The envelope with `id` in `topic` of the store at `url`, read without disturbing its owner.
    static func find(_ id: String, in topic: String, of url: BrokerURL) -> Result<Value, Problem> {
        guard case .sqlite(let path, _, _) = url else {
            return .failure(Problem(message: "flow: \(url) keeps no dead letters"))
        }
        do {
            let reader = try SQLiteStoreReader(path: path)
            guard let events = try reader.events(of: topic) else {
                return .failure(Problem(message: "\(path): error: the store has no topic \"\(topic)\""))
            }
            return envelope(id, in: events, of: topic, at: path, broker: "sqlite:\(path)")
        } catch {
            return .failure(Problem(message: "flow: \(error)"))
        }
    }
}

extension DeadLetterShow {
    /// The envelope with `id` in `topic` on a Redis backend (of `pipeline`, or the pipeline that declared it).
    static func find(
        _ id: String,
        in topic: String,
        redis address: RedisAddress,
        pipeline: String?
    ) async -> Result<Value, Problem> {
        let reader: RedisReader
        switch await RedisReader.open(address, pipeline: pipeline, topic: topic) {
        case .success(let opened): reader = opened
        case .failure(let problem): return .failure(Problem(message: problem.message))
        }
        let found = await reader.events(of: topic)
        await reader.close()
        switch found {
        case .failure(let problem):
            return .failure(Problem(message: problem.message))
        case .success(let events):
            return envelope(id, in: events, of: topic, at: "\(reader.url)", broker: "\(reader.url)")
        }
    }
}
