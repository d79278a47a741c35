import FlowRESP

/// Which pipelines keep their state on a Redis: what read-only tools (`flow dlq list`) look up when they are
/// given a topic and not a pipeline's name.
public enum RedisPipelines {
    /// The names of the pipelines on the server of `configuration` that declared `topic`, sorted. Read-only:
    /// one `SCAN` over the keys `flow:{*}:t:TOPIC` (the topic's glob characters escaped).
    public static func holding(
        _ topic: String,
        _ configuration: RESPConfiguration
    ) async throws(RESPError) -> [String] {
        let client = RESPClient(configuration)
        let escaped = topic.map { "*?[]\\".contains($0) ? "\\\($0)" : String($0) }.joined()
        let suffix = "}:t:" + topic
        var names: Set<String> = []
        var cursor = "0"
        repeat {
            let reply = try await client.send(
                RESPCommand(
                    "SCAN",
                    RESPArgument(cursor),
                    "MATCH",
                    RESPArgument("flow:{*}:t:" + escaped),
                    "COUNT",
                    "1000"
                )
            )
            cursor = reply.array?.first?.string ?? "0"
            for key in reply.array?.last?.array ?? [] {
                guard let key = key.string, key.hasPrefix("flow:{"), key.hasSuffix(suffix) else { continue }
                names.insert(String(key.dropFirst("flow:{".count).dropLast(suffix.count)))
            }
        } while cursor != "0"
        await client.close()
        return names.sorted()
    }
}
