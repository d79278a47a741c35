import ArgumentParser

/// How `flow run` writes its structured log to standard error.
public enum LogFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// `12:00:01.123 warning retrying event flow.consumer=billing flow.attempt=2 …`
    case text
    /// One JSON object per line: `ts`, `level`, `msg`, then every `flow.*` metadata key.
    case json
}
