import Dispatch
import FlowCore
import FlowTesting

@testable import FlowRuntime

/// A minimal event whose id tells tests which one it is.
func event(_ id: String, type: String = "Test", data: Value = .null) -> CloudEvent {
    CloudEvent(id: id, source: "tests", type: type, data: data)
}

/// Records with ids `prefix0`, `prefix1`, … and the given keys (one record per key).
func records(_ prefix: String, keys: [String?]) -> [OutgoingRecord] {
    keys.enumerated().map { OutgoingRecord(key: $0.element, event: event("\(prefix)\($0.offset)")) }
}

let callbackQueue = DispatchQueue(label: "tests.callbacks")

extension Broker {
    /// Publishes and returns a probe telling when (whether) the batch was stored.
    @discardableResult
    func publish(_ records: [OutgoingRecord], to topic: String) -> PublishProbe {
        let probe = PublishProbe()
        publish(records, to: topic, queue: callbackQueue) { probe($0) }
        return probe
    }
}
