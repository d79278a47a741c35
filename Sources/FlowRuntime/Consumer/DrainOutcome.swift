/// How `ConsumerRunner.drain(grace:completion:)` ended.
public enum DrainOutcome: Sendable, Hashable {
    /// Every started event was committed (or dead-lettered, or counted as exhausted) within the grace.
    case finished
    /// The grace elapsed with `unfinished` started events not committed; they stay uncommitted and are
    /// delivered again by a durable backend.
    case graceElapsed(unfinished: Int)
}
