import ArgumentParser
import FlowCore

/// `--broker URL`: parsed by the same `BrokerURL` as the pipeline's `broker:` key, so both accept the same URLs.
struct BrokerArgument: ExpressibleByArgument, Sendable {
    let url: BrokerURL

    init?(argument: String) {
        guard case .success(let url) = BrokerURL.parse(argument) else { return nil }
        self.url = url
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
