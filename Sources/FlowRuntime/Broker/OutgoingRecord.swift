import FlowCore

/// An event on its way into a topic.
///
/// Invariant: records with equal keys land in the same partition of a topic (FNV-1a of the key's UTF-8 modulo
/// the partition count); a nil key means round-robin.
public struct OutgoingRecord: Sendable {
    /// Picks the partition; nil means round-robin.
    public var key: String?
    /// The event to store.
    public var event: CloudEvent

    /// A record for `Broker.publish`.
    public init(key: String? = nil, event: CloudEvent) {
        self.key = key
        self.event = event
    }
}
