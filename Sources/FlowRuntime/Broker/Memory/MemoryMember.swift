import Dispatch

/// A member of a `MemoryGroup`: where its records go and how much credit it has left.
///
/// Invariant (touched only on the broker's queue): `unacked <= window` except transiently after a
/// rebalance; records are pushed only while `unacked < window`.
final class MemoryMember {
    let id: String
    let sink: any DeliverySink
    let queue: DispatchQueue
    let window: Int
    var unacked = 0
    var partitions: [Int] = []
    /// Round-robin position over `partitions`, so no partition starves the others.
    var cursor = 0
    var isClosed = false

    init(id: String, sink: any DeliverySink, queue: DispatchQueue, window: Int) {
        self.id = id
        self.sink = sink
        self.queue = queue
        self.window = window
    }
}
