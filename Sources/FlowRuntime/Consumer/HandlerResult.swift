/// How a handler finished one attempt.
public enum HandlerResult: Sendable {
    /// Done. `emitted` events are published (each to its topic, with its key) and stored before the source
    /// event is committed.
    case success(emitted: [EmittedEvent] = [])
    /// A filter rejected the event: committed and counted as filtered.
    case filtered
    /// A step dropped the event on purpose: committed and counted as dropped.
    case dropped
    /// The attempt failed; a `permanent` failure goes to the dead-letter topic at once. `retryAfter` is the
    /// least wait before a retry that the handler asks for (an HTTP `Retry-After`): the retry waits
    /// `max(backoff, retryAfter)`, capped at the policy's `max`.
    case failure(message: String, permanent: Bool = false, retryAfter: Duration? = nil)
}
