import Foundation

/// Durations as users write them: `250ms`, `1.5s`, `2m`, `1h`, `0s`, and compound forms like Go's (and
/// Benthos's) `1m30s` or `1h2m3.5s`: a sequence of a number and a unit, whose values add up.
public enum DurationText {
    /// The units in the order a suffix is tried: `ms` before `m`, so `5ms` is milliseconds and `1m5s` minutes.
    private static let units: [(suffix: String, attoseconds: Double)] = [
        ("ms", 1e15), ("us", 1e12), ("µs", 1e12), ("ns", 1e9), ("s", 1e18), ("m", 60e18), ("h", 3600e18),
    ]

    /// The units as a regular-expression group: `(ms|us|µs|ns|s|m|h)`.
    public static let unitPattern = "(" + units.map(\.suffix).joined(separator: "|") + ")"

    /// What `parse` accepts, as an unanchored regular expression (for the JSON Schema).
    public static let pattern = #"([0-9]+(\.[0-9]+)?"# + unitPattern + ")+"

    /// Parses one or more `NUMBER UNIT` segments with nothing between them; nil for anything else (a bare
    /// number, a sign, an unknown unit, a space inside).
    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        var total = Duration.zero
        var bound = 0.0  // the sum in attoseconds, to refuse what `Duration` cannot hold
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            // `[0-9]+(.[0-9]+)?`, as `pattern` says (the JSON Schema): no `.5` or `5.`.
            guard number.first != ".", number.last != ".", let value = Double(number), value.isFinite else {
                return nil
            }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) }) else { return nil }
            rest = rest.dropFirst(unit.suffix.count)
            // Each segment on its own, then added exactly: `1h2m3.5s` is 3723.5s to the attosecond.
            let attoseconds = value * unit.attoseconds
            bound += attoseconds
            guard bound < 9e36 else { return nil }
            let seconds = (attoseconds / 1e18).rounded(.down)
            total += Duration(
                secondsComponent: Int64(seconds),
                attosecondsComponent: Int64(attoseconds - seconds * 1e18)
            )
        }
        return total
    }

    /// The shortest exact rendering that `parse` reads back: `250ms`, `1.5s`, `2m`, `1h`, and from a minute
    /// up hours, minutes and seconds together: `1m42s`, `1h30m`, `2m0.5s`.
    public static func format(_ duration: Duration) -> String {
        let ms = milliseconds(duration)
        if ms == 0 { return "0s" }
        if ms < 1000 { return ms == ms.rounded() ? "\(Int(ms))ms" : "\(ms)ms" }
        let (seconds, attoseconds) = duration.components
        var text = ""
        if seconds >= 3600 { text += "\(seconds / 3600)h" }
        if seconds % 3600 >= 60 { text += "\(seconds % 3600 / 60)m" }
        if seconds % 60 > 0 || attoseconds >= 1_000_000_000 {
            text += "\(seconds % 60)\(fraction(attoseconds))s"
        }
        return text
    }

    /// `.5` for half a second, `.25` for a quarter: the decimals of `attoseconds` to the nanosecond, without
    /// trailing zeros; empty below a nanosecond.
    private static func fraction(_ attoseconds: Int64) -> String {
        let nanoseconds = attoseconds / 1_000_000_000
        guard nanoseconds > 0 else { return "" }
        var digits = String(nanoseconds)
        digits = String(repeating: "0", count: 9 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "." + digits
    }

    /// The duration in (fractional) milliseconds.
    public static func milliseconds(_ duration: Duration) -> Double {
        let c = duration.components
        return Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15
    }
}
