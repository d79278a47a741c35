import FlowCore
import Foundation

extension CloudEvent {
    /// The event a durable backend stored as `jsonBytes`, read back unchanged; nil when the bytes are not a
    /// structured-mode CloudEvent (a corrupt or foreign row).
    public init?(storedJSON bytes: [UInt8]) {
        guard case .object(let fields)? = try? Value(json: bytes),
            let event = try? LineDecoder.structured(fields)
        else { return nil }
        self = event
    }
}
