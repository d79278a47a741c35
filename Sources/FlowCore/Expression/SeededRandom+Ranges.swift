/// Range draws for `random_int` and `random_float`, written out (not `Int.random(in:using:)`) so that the
/// sequence under a seed cannot change with the standard library's algorithm.
extension SeededRandom {
    /// A uniform int in `range`, both ends included (Lemire's multiply-and-reject, unbiased).
    mutating func int(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(bitPattern: Int64(range.upperBound &- range.lowerBound))
        guard span < UInt64.max else { return Int(truncatingIfNeeded: next()) }
        let bound = span + 1
        let threshold = (0 &- bound) % bound
        while true {
            let (high, low) = bound.multipliedFullWidth(by: next())
            if low >= threshold { return range.lowerBound &+ Int(truncatingIfNeeded: high) }
        }
    }

    /// A uniform double in `[low, high)`; `low` when the two are equal.
    mutating func double(from low: Double, below high: Double) -> Double {
        let unit = Double(next() >> 11) * 0x1p-53
        let value = low + (high - low) * unit
        return value < high ? value : low
    }
}
