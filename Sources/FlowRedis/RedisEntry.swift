import FlowCore
import FlowRESP
import FlowRuntime
import Foundation

/// Stream entries as records, and the texts flow stores beside them (checkpoints, retry states).
///
/// Invariant: entry `0-N` of partition P's stream is the record at offset N-1 of partition P; an entry whose
/// event is not a CloudEvent is an error naming its stream and id, never skipped silently.
enum RedisEntry {
    /// The offset an entry id stands for; nil for an id flow did not write.
    static func offset(of id: String) -> Int64? {
        guard id.hasPrefix("0-"), let sequence = Int64(id.dropFirst(2)), sequence >= 1 else { return nil }
        return sequence - 1
    }

    static func id(of offset: Int64) -> String { "0-\(offset + 1)" }

    /// The records of an `XRANGE` reply (or of the entry list of an `XREADGROUP` or `XAUTOCLAIM` reply).
    static func records(in reply: RESPValue, partition: Int, stream: String) throws(BrokerError) -> [BrokerRecord] {
        guard let entries = reply.array else { return [] }
        var records: [BrokerRecord] = []
        records.reserveCapacity(entries.count)
        for entry in entries {
            guard let pair = entry.array, pair.count == 2, let id = pair[0].string, let offset = offset(of: id),
                let fields = pair[1].array
            else { throw .unavailable("redis stream \(stream) holds an entry flow did not write") }
            var key: String?
            var event: CloudEvent?
            var index = 0
            while index + 1 < fields.count {
                switch fields[index].string {
                case "k": key = fields[index + 1].string
                case "e": event = fields[index + 1].bytes.flatMap { CloudEvent(storedJSON: $0) }
                default: break
                }
                index += 2
            }
            guard let event else { throw .unavailable("redis stream \(stream) entry \(id) holds no CloudEvent") }
            records.append(
                BrokerRecord(position: RecordPosition(partition: partition, offset: offset), key: key, event: event)
            )
        }
        return records
    }

    /// `produced offset random source`: the source last, as it may hold spaces.
    static func text(of checkpoint: ProducerCheckpoint) -> String {
        "\(checkpoint.produced) \(checkpoint.offset) \(checkpoint.random) \(checkpoint.source)"
    }

    static func checkpoint(_ text: String) -> ProducerCheckpoint? {
        let parts = text.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, let produced = Int64(parts[0]), let offset = Int64(parts[1]),
            let random = UInt64(parts[2])
        else { return nil }
        return ProducerCheckpoint(source: String(parts[3]), produced: produced, offset: offset, random: random)
    }

    /// `attempts due first-failure error`, times in milliseconds since 1970, the error last.
    static func text(of state: RetryState) -> String {
        let due = RetryState.milliseconds(state.due)
        return "\(state.attempts) \(due) \(RetryState.milliseconds(state.firstFailure)) \(state.lastError)"
    }

    static func retryState(_ text: String) -> RetryState? {
        let parts = text.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, let attempts = Int(parts[0]), let due = Int64(parts[1]), let first = Int64(parts[2])
        else { return nil }
        return RetryState(
            attempts: attempts,
            due: RetryState.date(milliseconds: due),
            firstFailure: RetryState.date(milliseconds: first),
            lastError: String(parts[3])
        )
    }
}
