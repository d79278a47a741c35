/// Which producers and consumers of a pipeline one process runs (`flow run --only`); the rest run elsewhere on
/// a shared broker.
///
/// Invariant: whatever is selected, a run declares every topic and every group of its pipeline, so records a
/// producer here stores are kept for consumers that run in other processes.
public struct RunParts: Sendable, Hashable {
    /// Names of the producers to run; nil runs all of them.
    public var producers: Set<String>?
    /// Names of the consumers to run; nil runs all of them.
    public var consumers: Set<String>?

    /// Everything: one process runs the whole pipeline.
    public static let all = RunParts(producers: nil, consumers: nil)

    public init(producers: Set<String>?, consumers: Set<String>?) {
        self.producers = producers
        self.consumers = consumers
    }

    public func runs(producer name: String) -> Bool { producers?.contains(name) ?? true }

    public func runs(consumer name: String) -> Bool { consumers?.contains(name) ?? true }
}
