import FlowCore

/// `flow dlq replay`'s choices, shared by every backend that keeps dead letters: which envelopes go back,
/// where, and what the event looks like once back.
///
/// Invariants: a replayed event loses the envelope's delivery extensions (`DeadLetterEnvelope.extensionNames`:
/// it starts with a fresh attempt budget) and keeps everything else, its trace context included, plus its
/// history: `flowreplays` (how many times it was replayed) and `flowpreviouserrors` (the errors it was
/// dead-lettered with, oldest first). Producer envelopes of malformed input name no source topic and are never
/// replayed (they hold raw input, not an event).
public enum DeadLetterReplay {
    /// One envelope to replay: where it is, where it goes, and the event it becomes.
    public struct Move: Sendable {
        public var record: BrokerRecord
        public var to: String
        public var event: CloudEvent
    }

    /// What a replay did (or, dry, would do).
    public struct Report: Sendable {
        /// The envelopes replayed, with the topic each went to.
        public var replayed: [(event: CloudEvent, to: String)] = []
        /// Producer envelopes of malformed input: they hold raw input, not an event to replay.
        public var skippedMalformed = 0
        /// Envelopes chosen but gone before the replay reached them (replayed or evicted meanwhile).
        public var gone = 0
        /// Envelopes chosen but left where they are, by the topic they go to, which had no room (Redis, beside
        /// a run).
        public var leftForRoom: [String: Int] = [:]

        public init() {}
    }

    /// The envelopes of `records` (in order) for which `select` holds, at most `limit`, each bound for
    /// `target` or its `flowsourcetopic`; `skipped` counts the producer envelopes of malformed input (they name
    /// no source topic), skipped whatever `target` says.
    public static func plan(
        _ records: [BrokerRecord],
        to target: String?,
        limit: Int?,
        select: (CloudEvent) -> Bool
    ) -> (moves: [Move], skippedMalformed: Int) {
        var moves: [Move] = []
        var skipped = 0
        for record in records {
            if let limit, moves.count >= limit { break }
            guard case .string(let source)? = record.event.extensions["flowsourcetopic"] else {
                skipped += 1
                continue
            }
            guard select(record.event) else { continue }
            moves.append(Move(record: record, to: target ?? source, event: replayed(record.event)))
        }
        return (moves, skipped)
    }

    /// The event as it goes back: without the envelope's delivery extensions, with its history.
    public static func replayed(_ envelope: CloudEvent) -> CloudEvent {
        var event = envelope
        var errors: [String] = []
        if case .string(let previous)? = envelope.extensions["flowpreviouserrors"] { errors.append(previous) }
        if case .string(let last)? = envelope.extensions["flowerror"] { errors.append(last) }
        for name in DeadLetterEnvelope.extensionNames { event.extensions[name] = nil }
        var replays = 0
        if case .int(let count)? = envelope.extensions["flowreplays"] { replays = count }
        event.extensions["flowreplays"] = .int(replays + 1)
        if !errors.isEmpty { event.extensions["flowpreviouserrors"] = .string(errors.joined(separator: "; ")) }
        return event
    }
}
