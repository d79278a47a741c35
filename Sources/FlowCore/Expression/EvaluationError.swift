/// A run-time evaluation failure (e.g. `int("x")`); steps turn it into a failed attempt.
public struct EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
