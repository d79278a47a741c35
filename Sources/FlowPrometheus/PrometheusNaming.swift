import CoreMetrics
import Prometheus

/// A `MetricsFactory` that names OpenTelemetry-style metrics the way Prometheus users expect (the mapping of
/// OpenTelemetry's Prometheus exporter): dots and other invalid characters become underscores, a counter
/// gains `_total` and a timer (a duration histogram, in seconds) `_seconds`; dimension names are mapped the
/// same way. `messaging.client.consumed.messages` is scraped as `messaging_client_consumed_messages_total`.
///
/// Invariant: a name already ending in its suffix is not suffixed again.
public struct PrometheusNaming: MetricsFactory {
    private let base: PrometheusMetricsFactory

    /// Metrics recorded in `registry`; durations in the given histogram buckets.
    public init(registry: PrometheusCollectorRegistry, durationBuckets: [Duration] = PrometheusNaming.durationBuckets) {
        var base = PrometheusMetricsFactory(registry: registry)
        base.defaultDurationHistogramBuckets = durationBuckets
        self.base = base
    }

    /// From 100 µs to 30 s: handler attempts and steps range from an in-process step to a slow HTTP call.
    public static let durationBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        .seconds(10), .seconds(30),
    ]

    /// `name` with every character Prometheus does not allow replaced by `_`, and `suffix` appended once.
    static func prometheusName(_ name: String, suffix: String = "") -> String {
        let allowed: (Unicode.Scalar) -> Bool = { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "_"
        }
        var mapped = String(String.UnicodeScalarView(name.unicodeScalars.map { allowed($0) ? $0 : "_" }))
        if let first = mapped.unicodeScalars.first, ("0"..."9").contains(first) { mapped = "_" + mapped }
        return mapped.hasSuffix(suffix) ? mapped : mapped + suffix
    }

    private static func dimensions(_ dimensions: [(String, String)]) -> [(String, String)] {
        dimensions.map { (prometheusName($0.0), $0.1) }
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        base.makeCounter(label: Self.prometheusName(label, suffix: "_total"), dimensions: Self.dimensions(dimensions))
    }

    public func makeFloatingPointCounter(
        label: String,
        dimensions: [(String, String)]
    ) -> any FloatingPointCounterHandler {
        base.makeFloatingPointCounter(
            label: Self.prometheusName(label, suffix: "_total"),
            dimensions: Self.dimensions(dimensions)
        )
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        base.makeRecorder(
            label: Self.prometheusName(label),
            dimensions: Self.dimensions(dimensions),
            aggregate: aggregate
        )
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        base.makeMeter(label: Self.prometheusName(label), dimensions: Self.dimensions(dimensions))
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        base.makeTimer(label: Self.prometheusName(label, suffix: "_seconds"), dimensions: Self.dimensions(dimensions))
    }

    public func destroyCounter(_ handler: any CounterHandler) { base.destroyCounter(handler) }
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        base.destroyFloatingPointCounter(handler)
    }
    public func destroyRecorder(_ handler: any RecorderHandler) { base.destroyRecorder(handler) }
    public func destroyMeter(_ handler: any MeterHandler) { base.destroyMeter(handler) }
    public func destroyTimer(_ handler: any TimerHandler) { base.destroyTimer(handler) }
}
