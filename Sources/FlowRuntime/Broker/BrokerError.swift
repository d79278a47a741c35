/// Why a broker refused a request. Messages are lower-case and quote names, as users see them.
public enum BrokerError: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownTopic(String)
    case unknownGroup(group: String, topic: String)
    case conflictingTopic(String)
    case duplicateMember(member: String, group: String)
    /// A backend failure (I/O, network); worth retrying.
    case unavailable(String)

    /// The message users see.
    public var description: String {
        switch self {
        case .unknownTopic(let topic): "topic \"\(topic)\" is not declared"
        case .unknownGroup(let group, let topic): "group \"\(group)\" is not declared on topic \"\(topic)\""
        case .conflictingTopic(let topic): "topic \"\(topic)\" is already declared with another shape"
        case .duplicateMember(let member, let group): "member \"\(member)\" already belongs to group \"\(group)\""
        case .unavailable(let reason): "broker unavailable: \(reason)"
        }
    }
}
