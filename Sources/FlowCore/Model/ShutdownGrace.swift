/// How long a shutdown waits for started events (with their due retries) before giving up on them.
public enum ShutdownGrace {
    /// `flow run --grace` when not given, and `RunOptions.grace` by default; `flow validate` measures retry
    /// schedules against it.
    public static let `default`: Duration = .seconds(10)
}
