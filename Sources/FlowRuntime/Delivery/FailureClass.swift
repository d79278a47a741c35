/// The `error.type` of a failed attempt (metrics labels, span events): a small fixed vocabulary read from
/// the message families flow's own steps write, so dashboards can tell a downstream service's 503 from a
/// crashing exec handler without a label per message.
///
/// Invariants: the result is one of `timeout`, `publish`, `http_<status>`, `http_body_too_large`,
/// `http_unreachable`, `exec_exit`, `exec_signal`, `exec_output`, `exec_worker_exit`, `exec_start`,
/// `exec_shutdown`, `expression`, `permanent` or `handler` (cardinality bounded by the HTTP status codes);
/// a failure a handler or a `fail` step reported in its own words is `permanent` or `handler`. (A record
/// given up for its abandoned attempts is `abandoned`, set where that is decided.)
enum FailureClass {
    /// The class of `outcome`; `none` for an outcome that is not a failure.
    static func of(_ outcome: DeliveryOutcome) -> String {
        switch outcome {
        case .success, .filtered, .dropped: return "none"
        case .timedOut: return "timeout"
        case .failure(let message, let permanent):
            return of(message) ?? (permanent ? "permanent" : "handler")
        }
    }

    /// The class of a message of one of flow's own families; nil for any other message.
    static func of(_ message: String) -> String? {
        if message.hasPrefix("publish to ") { return "publish" }
        if message.hasPrefix("attempt timed out") || message.hasPrefix("exec worker timed out")
            || (message.hasPrefix("timed out after ") && message.hasSuffix("waiting for an exec worker"))
        {
            return "timeout"
        }
        if let status = httpStatus(message) {
            return message.hasSuffix(": body exceeds 1 MiB") && (200...299).contains(status)
                ? "http_body_too_large" : "http_\(status)"
        }
        return families.first { message.hasPrefix($0.prefix) }?.type
    }

    /// The message prefixes of flow's own steps, and their class.
    private static let families: [(prefix: String, type: String)] = [
        ("HTTP request to ", "http_unreachable"),
        ("exit status ", "exec_exit"),
        ("killed by signal ", "exec_signal"),
        ("output exceeds 1 MiB", "exec_output"),
        ("handler wrote invalid JSON", "exec_output"),
        ("handler output item ", "exec_output"),
        ("worker reply ", "exec_output"),
        ("worker exited with status ", "exec_worker_exit"),
        ("worker killed by signal ", "exec_worker_exit"),
        ("cannot start \"", "exec_start"),
        ("the exec step's workers are shut down", "exec_shutdown"),
        ("expression failed in ", "expression"),
    ]

    /// The status of an `HTTP <status> from <url>` message.
    private static func httpStatus(_ message: String) -> Int? {
        guard message.hasPrefix("HTTP ") else { return nil }
        let digits = message.dropFirst(5).prefix(3)
        guard digits.count == 3, let status = Int(digits), message.dropFirst(8).hasPrefix(" from ") else {
            return nil
        }
        return status
    }
}
