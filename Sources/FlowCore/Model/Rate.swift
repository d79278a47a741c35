/// An event rate such as `500/s` or `30/m`.
///
/// Invariant: `count > 0` and `per > .zero`.
public struct Rate: Sendable, Hashable, CustomStringConvertible {
    public var count: Int
    public var per: Duration

    public init(count: Int, per: Duration) {
        self.count = count
        self.per = per
    }

    /// Events per second.
    public var perSecond: Double {
        let c = per.components
        return Double(count) / (Double(c.seconds) + Double(c.attoseconds) / 1e18)
    }

    /// The gap between two events at this rate.
    public var interval: Duration { per / count }

    public var description: String { "\(count)/\(DurationText.format(per))" }

    /// Parses `N/s`, `N/m`, `N/h`, `N/ms` or `N/10s`; nil when the text is not a positive rate.
    public static func parse(_ text: String) -> Rate? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let count = Int(parts[0].trimmingCharacters(in: .whitespaces)), count > 0
        else { return nil }
        var unit = parts[1].trimmingCharacters(in: .whitespaces)
        if let first = unit.first, !first.isNumber { unit = "1" + unit }
        guard let per = DurationText.parse(unit), per > .zero else { return nil }
        return Rate(count: count, per: per)
    }
}
