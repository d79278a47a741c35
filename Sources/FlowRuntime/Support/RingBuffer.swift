/// A growable FIFO with O(1) append, removal at the front and random access by position from the front.
///
/// Invariant: storage capacity is zero or a power of two; slots outside `count` hold nil, so removed
/// elements are released at once.
struct RingBuffer<Element> {
    private var storage: ContiguousArray<Element?> = []
    private var head = 0
    private(set) var count = 0

    init() {}

    var isEmpty: Bool { count == 0 }

    var first: Element? { count == 0 ? nil : storage[head] }

    /// The element `index` places from the front.
    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "ring buffer index out of range")
            return storage[(head + index) & (storage.count - 1)]!
        }
        set {
            precondition(index >= 0 && index < count, "ring buffer index out of range")
            storage[(head + index) & (storage.count - 1)] = newValue
        }
    }

    mutating func append(_ element: Element) {
        if count == storage.count { grow() }
        storage[(head + count) & (storage.count - 1)] = element
        count += 1
    }

    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let element = storage[head]
        storage[head] = nil
        head = (head + 1) & (storage.count - 1)
        count -= 1
        return element
    }

    /// Removes the first `n` elements (all of them when `n >= count`).
    mutating func removeFirst(_ n: Int) {
        for _ in 0..<min(n, count) { _ = popFirst() }
    }

    private mutating func grow() {
        let newCapacity = Swift.max(16, storage.count * 2)
        var newStorage = ContiguousArray<Element?>(repeating: nil, count: newCapacity)
        for index in 0..<count {
            newStorage[index] = storage[(head + index) & (storage.count - 1)]
        }
        storage = newStorage
        head = 0
    }
}
