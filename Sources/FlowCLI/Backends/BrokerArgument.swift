import ArgumentParser
import FlowCore

/// `--broker URL`: parsed by the same `BrokerURL` as the pipeline's `broker:` key, so both accept the same URLs
/// and a malformed one gets the same message and hint as the `broker-url` rule.
struct BrokerArgument: Sendable {
    let url: BrokerURL

    /// The `transform:` of a `--broker` option: the URL, or a `ValidationError` (exit 64) saying what is wrong.
    static func parse(_ text: String) throws -> BrokerArgument {
        switch BrokerURL.parse(text) {
        case .success(let url): return BrokerArgument(url: url)
        case .failure(let error): throw ValidationError("--broker: \(error.message); \(BrokerURL.hint)")
        }
    }

    /// The read-only tools' check of `--pipeline`, which only a Redis backend needs (it holds many pipelines).
    static func validate(pipeline: String?, with broker: BrokerArgument?) throws {
        guard pipeline != nil else { return }
        guard case .redis? = broker?.url else { throw ValidationError("--pipeline goes with --broker redis://…") }
    }
}
