import Testing

@testable import FlowRuntime

/// `error.type` comes from the message families flow's own steps write; anything a handler says in its own
/// words falls back to `permanent` or `handler`.
struct FailureClassTests {
    @Test(arguments: [
        ("HTTP 503 from http://pay/charge: overloaded", false, "http_503"),
        ("HTTP 404 from http://pay/charge", true, "http_404"),
        ("HTTP 200 from http://pay/charge: body exceeds 1 MiB", true, "http_body_too_large"),
        ("HTTP request to http://pay/charge failed: connection refused", false, "http_unreachable"),
        ("exit status 3: card declined", false, "exec_exit"),
        ("killed by signal SIGSEGV", false, "exec_signal"),
        ("output exceeds 1 MiB on stdout; the process was killed", true, "exec_output"),
        ("handler wrote invalid JSON on stdout: {", true, "exec_output"),
        ("worker reply \"events\" is string, not a list", true, "exec_output"),
        ("worker exited with status 1", false, "exec_worker_exit"),
        ("cannot start \"scorer\": No such file or directory", false, "exec_start"),
        ("exec worker timed out after 2s; the worker was killed", false, "timeout"),
        ("timed out after 2s waiting for an exec worker", false, "timeout"),
        ("attempt timed out after 1s", false, "timeout"),
        ("publish to \"shipments\" failed: unavailable", false, "publish"),
        ("expression failed in step 1 (filter): condition \"data.n\" is int, not bool", true, "expression"),
        ("card declined", true, "permanent"),
        ("worker replied retry", false, "handler"),
        ("HTTP 50 from nowhere", false, "handler"),
    ])
    func aFailureIsClassedByItsMessageFamily(message: String, permanent: Bool, type: String) {
        #expect(FailureClass.of(.failure(message: message, permanent: permanent)) == type)
    }

    @Test func aTimeoutIsATimeoutAndSuccessHasNoClass() {
        #expect(FailureClass.of(.timedOut(after: .seconds(1))) == "timeout")
        #expect(FailureClass.of(.success) == "none")
    }
}
