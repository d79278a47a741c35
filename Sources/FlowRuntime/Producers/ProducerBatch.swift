import FlowCore
import Foundation

/// What one generator step or one read produced: records for the producer's topic, and the malformed inputs
/// with their dead-letter envelopes (when the producer has a dead-letter topic).
///
/// Invariants: `deadLetters` is empty without a dead-letter topic, else holds one envelope per `malformed`;
/// when the producer keeps checkpoints (`mark(_:)` after every input), `recordCheckpoints` and
/// `deadLetterCheckpoints` hold the checkpoint just after each record and each envelope, and `end` the one
/// after the batch's last input.
struct ProducerBatch: Sendable {
    var records: [OutgoingRecord] = []
    var malformed: [MalformedInput] = []
    var deadLetters: [OutgoingRecord] = []
    var recordCheckpoints: [ProducerCheckpoint] = []
    var deadLetterCheckpoints: [ProducerCheckpoint] = []
    var end: ProducerCheckpoint?
    /// The source has nothing more after this batch.
    var isLast = false

    /// Records that the input just appended (a record, an envelope, or nothing) ends at `checkpoint`.
    mutating func mark(_ checkpoint: ProducerCheckpoint) {
        if recordCheckpoints.count < records.count {
            recordCheckpoints.append(checkpoint)
        } else if deadLetterCheckpoints.count < deadLetters.count {
            deadLetterCheckpoints.append(checkpoint)
        }
        end = checkpoint
    }

    /// The batch as producer steps in input order: each record or envelope with the checkpoint after it, and
    /// a last step without records when inputs that made nothing (blank lines, malformed ones without a
    /// dead-letter topic) close the batch.
    func steps(to topic: String, deadLetter: String?) -> [ProducerStep] {
        var steps: [ProducerStep] = []
        steps.reserveCapacity(records.count + deadLetters.count + 1)
        var r = 0
        var d = 0
        while r < recordCheckpoints.count || d < deadLetterCheckpoints.count {
            let takeRecord =
                d == deadLetterCheckpoints.count
                || (r < recordCheckpoints.count
                    && recordCheckpoints[r].produced < deadLetterCheckpoints[d].produced)
            if takeRecord {
                let batch = PublishBatch(topic: topic, records: [records[r]])
                steps.append(ProducerStep(batches: [batch], checkpoint: recordCheckpoints[r]))
                r += 1
            } else {
                let batch = deadLetter.map { PublishBatch(topic: $0, records: [deadLetters[d]]) }
                steps.append(ProducerStep(batches: batch.map { [$0] } ?? [], checkpoint: deadLetterCheckpoints[d]))
                d += 1
            }
        }
        if let end, steps.last?.checkpoint != end { steps.append(ProducerStep(batches: [], checkpoint: end)) }
        return steps
    }

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
