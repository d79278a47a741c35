import Foundation

/// Durations as users write them: `250ms`, `1.5s`, `2m`, `1h`, `0s`.
public enum DurationText {
    private static let units: [(suffix: String, attoseconds: Double)] = [
        ("ms", 1e15), ("us", 1e12), ("µs", 1e12), ("ns", 1e9), ("s", 1e18), ("m", 60e18), ("h", 3600e18),
    ]

    /// Parses a number followed by a unit; nil for anything else (including a bare number or a negative).
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, atto) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isNumber || $0 == "." }),
                let value = Double(number), value.isFinite, value >= 0
            else { return nil }
            let total = value * atto
            guard total < 9e36 else { return nil }
            let seconds = (total / 1e18).rounded(.down)
            return Duration(secondsComponent: Int64(seconds), attosecondsComponent: Int64(total - seconds * 1e18))
        }
        return nil
    }

    /// The shortest exact rendering: `250ms`, `2s`, `1.5s`, `2m`, `1h`.
    public static func format(_ duration: Duration) -> String {
        let ms = milliseconds(duration)
        if ms == 0 { return "0s" }
        if ms.truncatingRemainder(dividingBy: 3_600_000) == 0 { return "\(Int(ms / 3_600_000))h" }
        if ms.truncatingRemainder(dividingBy: 60_000) == 0 { return "\(Int(ms / 60_000))m" }
        if ms.truncatingRemainder(dividingBy: 1000) == 0 { return "\(Int(ms / 1000))s" }
        if ms >= 1000 { return "\(ms / 1000)s" }
        if ms == ms.rounded() { return "\(Int(ms))ms" }
        return "\(ms)ms"
    }

    /// The duration in (fractional) milliseconds.
    public static func milliseconds(_ duration: Duration) -> Double {
        let c = duration.components
        return Double(c.seconds) * 1000 + Double(c.attoseconds) / 1e15
    }
}
