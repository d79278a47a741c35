import FlowCore

extension DeadLetterList {
    /// The dead letters of `topics` kept on a Redis backend by `pipeline`, or by the one pipeline there that
    /// declared the first topic; read-only, beside running pipelines. The password never shows.
    static func render(
        redis address: RedisAddress,
        pipeline: String?,
        topics: [String]
    ) async -> (output: String, errors: String, exitCode: Int32) {
        guard let first = topics.first else {
            return ("", "flow: name the dead-letter topics to read (a Redis keeps no list of them)", 64)
        }
        let reader: RedisReader
        switch await RedisReader.open(address, pipeline: pipeline, topic: first) {
        case .success(let opened): reader = opened
        case .failure(let problem): return ("", problem.message, 1)
        }
        var events: [[String: Value]] = []
        var problems: [String] = []
        for topic in topics {
            switch await reader.events(of: topic) {
            case .success(let stored):
                for event in stored { if case .object(let members) = event.jsonObject { events.append(members) } }
            case .failure(let problem):
                problems.append(problem.message)
            }
        }
        await reader.close()
        let quoted = topics.map { "\"\($0)\"" }.joined(separator: ", ")
        let source = "\(quoted) of pipeline \"\(reader.pipeline)\" on \(reader.url)"
        return (render(events, from: source), problems.joined(separator: "\n"), problems.isEmpty ? 0 : 1)
    }
}
