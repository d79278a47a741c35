/// Why `flow run` began to shut down.
enum StopReason: Sendable, Equatable {
    /// `--until-idle`: producers finished and every group committed everything.
    case idle
    /// `--for` elapsed.
    case timeLimit
    /// SIGINT or SIGTERM.
    case signal(Int32)
}
