import FlowCore

/// An event on its way into a topic.
///
/// Invariant: records with equal keys land in the same partition of a topic (FNV-1a of the key's UTF-8 modulo
/// the partition count); a nil key means round-robin.
public struct OutgoingRecord: Sendable {
    public var key: String?
    public var event: CloudEvent

    public init(key: String? = nil, event: CloudEvent) {
        self.key = key
        self.event = event
    }
}
