import FlowCore
import FlowRESP
import FlowRedis
import FlowRuntime

extension DeadLetterList {
    /// The dead letters of `topics` kept on a Redis backend by `pipeline`, or by the one pipeline there that
    /// declared the first topic; read-only, beside running pipelines. The password never shows.
    static func render(
        redis address: RedisAddress,
        pipeline: String?,
        topics: [String]
    ) async -> (output: String, errors: String, exitCode: Int32) {
        let url = BrokerURL.redis(address)
        guard let first = topics.first else {
            return ("", "flow: name the dead-letter topics to read (a Redis keeps no list of them)", 64)
        }
        let configuration = RESPConfiguration(address)
        let name: String
        if let pipeline {
            name = pipeline
        } else {
            do throws(RESPError) {
                let names = try await RedisPipelines.holding(first, configuration)
                guard names.count == 1 else {
                    let why =
                        names.isEmpty
                        ? "no pipeline on \(url) declared a topic \"\(first)\""
                        : "pipelines \(names.map { "\"\($0)\"" }.joined(separator: ", ")) declared a topic "
                            + "\"\(first)\" on \(url): name one with --pipeline"
                    return ("", "flow: \(why)", 1)
                }
                name = names[0]
            } catch {
                return ("", "flow: \(error) (broker \(url))", 1)
            }
        }
        let broker: RedisBroker
        do throws(RESPError) {
            broker = try await RedisBroker.connect(configuration, pipeline: name)
        } catch {
            return ("", "flow: \(error) (broker \(url))", 1)
        }
        var events: [[String: Value]] = []
        var problems: [String] = []
        for topic in topics {
            do throws(BrokerError) {
                for record in try await broker.records(of: topic) {
                    if case .object(let members) = record.event.jsonObject { events.append(members) }
                }
            } catch {
                problems.append("\(url): error: pipeline \"\(name)\": \(error)")
            }
        }
        await broker.halt()
        let quoted = topics.map { "\"\($0)\"" }.joined(separator: ", ")
        let source = "\(quoted) of pipeline \"\(name)\" on \(url)"
        return (render(events, from: source), problems.joined(separator: "\n"), problems.isEmpty ? 0 : 1)
    }
}
