import FlowCore
import FlowRESP
import FlowRedis
import FlowRuntime

/// Read-only access to a pipeline's topics on a Redis backend, for `flow dlq list|show` beside running
/// pipelines: the pipeline is the one named, or the only one there that declared the topic.
struct RedisReader {
    /// Why nothing can be read: one line for stderr, the password never in it.
    struct Problem: Error {
        var message: String
    }

    let broker: RedisBroker
    let pipeline: String
    let url: BrokerURL

    /// Connects to the pipeline `pipeline`, or to the one that declared `topic` when `pipeline` is nil.
    static func open(_ address: RedisAddress, pipeline: String?, topic: String) async -> Result<RedisReader, Problem> {
        let url = BrokerURL.redis(address)
        let configuration = RESPConfiguration(address)
        var name = pipeline
        if name == nil {
            do throws(RESPError) {
                let names = try await RedisPipelines.holding(topic, configuration)
                guard names.count == 1 else {
                    let message =
                        names.isEmpty
                        ? "no pipeline on \(url) declared a topic \"\(topic)\""
                        : "pipelines \(names.map { "\"\($0)\"" }.joined(separator: ", ")) declared a topic "
                            + "\"\(topic)\" on \(url): name one with --pipeline"
                    return .failure(Problem(message: "flow: \(message)"))
                }
                name = names[0]
            } catch {
                return .failure(Problem(message: "flow: \(error) (broker \(url))"))
            }
        }
        do throws(RESPError) {
            let pipeline = name ?? ""
            let broker = try await RedisBroker.connect(configuration, pipeline: pipeline)
            return .success(RedisReader(broker: broker, pipeline: pipeline, url: url))
        } catch {
            return .failure(Problem(message: "flow: \(error) (broker \(url))"))
        }
    }

    /// The events `topic` holds, by partition then offset.
    func events(of topic: String) async -> Result<[CloudEvent], Problem> {
        do throws(BrokerError) {
            return .success(try await broker.records(of: topic).map(\.event))
        } catch {
            return .failure(Problem(message: "\(url): error: pipeline \"\(pipeline)\": \(error)"))
        }
    }

    /// Closes the connection.
    func close() async { await broker.halt() }
}
