/// A loaded, checked pipeline: what `flow run` executes and `flow graph` draws.
///
/// Invariant: a `Pipeline` only exists for a file whose diagnostics hold no error, so every topic it names is
/// declared, every expression parsed and type-checked, and every policy within its bounds.
public struct Pipeline: Sendable {
    public var version: Int
    public var name: String
    /// The broker the file asks for (`broker:`, default `memory:`); `flow run --broker` overrides it.
    public var broker: BrokerURL
    /// Declaration order is kept: summaries and graphs list topics as the file does.
    public var topics: [Topic]
    public var producers: [Producer]
    public var consumers: [Consumer]
    /// Declared faults, injected only when a run turns them on.
    public var faults: [Fault] = []
    public var location: SourceLocation

    public init(
        version: Int = 1,
        name: String,
        broker: BrokerURL = .memory,
        topics: [Topic] = [],
        producers: [Producer] = [],
        consumers: [Consumer] = [],
        location: SourceLocation
    ) {
        self.version = version
        self.name = name
        self.broker = broker
        self.topics = topics
        self.producers = producers
        self.consumers = consumers
        self.location = location
    }

    /// The topic declared under `name`, if any.
    public func topic(named name: String) -> Topic? {
        topics.first { $0.name == name }
    }
}
