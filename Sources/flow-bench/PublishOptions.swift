import ArgumentParser
import FlowRuntime

/// How the broker scenarios publish and consume: the knobs (a), (b) and (e) share.
struct PublishOptions: ParsableArguments {
    @Option(help: "Events per publish batch.")
    var batch = 256

    @Option(help: "Publish batches handed to the broker and not yet stored, at most.")
    var inFlight = 4

    @Option(help: "The consumer's credit window: records delivered and not yet committed, at most.")
    var window = ConsumerConfiguration.defaultWindow
}
