import FlowCore
import Foundation

/// What one generator step or one read produced: records for the producer's topic, and the malformed inputs
/// with their dead-letter envelopes (when the producer has a dead-letter topic).
///
/// Invariant: `deadLetters` is empty without a dead-letter topic, else holds one envelope per `malformed`.
struct ProducerBatch: Sendable {
    var records: [OutgoingRecord] = []
    var malformed: [MalformedInput] = []
    var deadLetters: [OutgoingRecord] = []
    /// The source has nothing more after this batch.
    var isLast = false

    /// Adds `event` keyed for the target topic; a key that fails to evaluate makes it malformed input.
    mutating func append(
        _ event: CloudEvent,
        from origin: MalformedInput.Origin,
        raw: @autoclosure () -> String,
        target: ProducerTarget,
        random: inout SeededRandom,
        now: Date
    ) {
        do {
            records.append(OutgoingRecord(key: try target.keys.key(for: event, on: target.topic), event: event))
        } catch {
            let problem = "key of topic \"\(target.topic)\" failed: \(error.message)"
            append(
                MalformedInput(origin: origin, raw: raw(), error: problem),
                target: target,
                random: &random,
                now: now
            )
        }
    }

    /// Adds a malformed input and, when the target has a dead-letter topic, its envelope (with a fresh id from
    /// `random`).
    mutating func append(
        _ input: MalformedInput,
        target: ProducerTarget,
        random: inout SeededRandom,
        now: Date
    ) {
        malformed.append(input)
        if target.deadLetter != nil {
            deadLetters.append(
                OutgoingRecord(event: input.envelope(id: random.uuid(), producer: target.producer, time: now))
            )
        }
    }
}
