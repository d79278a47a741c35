/// Calls to Redis that run one at a time per key (a topic's pump, an owner's steps). A call asked for while
/// one runs is not started but remembered: the running call's script may have run before what prompted the
/// new one (an ack's room, a store), so its completion goes again at once rather than after `pollInterval`.
///
/// Invariant: owned by the broker's queue like the rest of its state; `again` ⊆ `running`.
struct CoalescedCalls {
    private var running: Set<String> = []
    private var again: Set<String> = []

    /// Whether a call for `key` runs now; if so, this request joins it (it goes again once it ends) and the
    /// caller starts nothing.
    mutating func joinsRunning(_ key: String) -> Bool {
        guard running.contains(key) else { return false }
        again.insert(key)
        return true
    }

    /// A call for `key` starts.
    mutating func start(_ key: String) {
        running.insert(key)
    }

    /// The call for `key` ended; true when another was asked for while it ran.
    mutating func finish(_ key: String) -> Bool {
        running.remove(key)
        return again.remove(key) != nil
    }
}
