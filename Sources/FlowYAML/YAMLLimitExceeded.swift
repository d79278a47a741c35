import FlowCore

/// A limit was crossed; parsing stops and `diagnostic` is the one finding to report.
struct YAMLLimitExceeded: Error {
    var diagnostic: Diagnostic
}
