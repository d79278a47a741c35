/// How long a delivered record stays reserved for its member before the backend may hand it to another.
public enum Lease: Sendable, Hashable {
    /// Reserved until acked or until the member leaves (the memory backend).
    case infinite
    /// Reserved for this long after delivery or the last renewal (Redis: the XAUTOCLAIM idle time).
    case renewable(Duration)
}
