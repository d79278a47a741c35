import Dispatch

/// Who joins which group, with how much credit, and where records are delivered.
///
/// Invariant: `window >= 1`; `member` is unique within the group.
public struct SubscriptionRequest: Sendable {
    /// The topic to read.
    public var topic: String
    /// The group to join; it must be declared on `topic`.
    public var group: String
    /// This member's id, unique within the group.
    public var member: String
    /// Most records delivered to this member and not yet acked.
    public var window: Int
    /// Where `DeliverySink.receive` runs.
    public var queue: DispatchQueue

    /// A request to join `group` on `topic` as `member`.
    public init(topic: String, group: String, member: String, window: Int, queue: DispatchQueue) {
        precondition(window >= 1, "a subscription needs a window of at least one record")
        self.topic = topic
        self.group = group
        self.member = member
        self.window = window
        self.queue = queue
    }
}
