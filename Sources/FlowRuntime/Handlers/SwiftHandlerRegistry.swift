import FlowCore
import Logging

/// The Swift handlers a program registers by name, for pipeline steps written `- swift: name`.
///
/// ```swift
/// var handlers = SwiftHandlerRegistry()
/// handlers.register("pay") { event, context in
///     var paid = event
///     paid.data = paid.data.setting(.bool(true), at: ["paid"])
///     return paid
/// }
/// ```
///
/// Invariant: names are unique; registering a name again replaces its handler. The loader checks every
/// `swift:` step against `names`, so a pipeline that loads never names a missing handler.
public struct SwiftHandlerRegistry: Sendable {
    /// A handler: the event in, the event to continue with out (return it unchanged to pass it on).
    /// Throw `SwiftHandlerFailure.permanent` to dead-letter at once; any other error is retryable.
    public typealias Handler = @Sendable (CloudEvent, SwiftHandlerContext) async throws -> CloudEvent

    private var handlers: [String: Handler] = [:]

    public init() {}

    /// Registers `handler` under `name`.
    public mutating func register(_ name: String, _ handler: @escaping Handler) {
        handlers[name] = handler
    }

    /// The handler registered under `name`.
    public func handler(named name: String) -> Handler? {
        handlers[name]
    }

    /// Every registered name, for the loader's check.
    public var names: Set<String> { Set(handlers.keys) }
}

/// A Swift handler's failure with an explicit retry classification.
public enum SwiftHandlerFailure: Error, Sendable, CustomStringConvertible {
    /// Retrying may help (a timeout, a busy dependency).
    case retryable(String)
    /// Retrying cannot help (invalid data): the event is dead-lettered at once.
    case permanent(String)

    public var description: String {
        switch self {
        case .retryable(let message), .permanent(let message): message
        }
    }
}
