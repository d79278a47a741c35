import FlowRuntime
import FlowSQLite

/// Where `flow tail` reads a topic from, read-only, beside the pipeline that owns it.
protocol TailSource {
    /// The offset after the last record of each partition of `topic`; nil when there is no such topic.
    func endOffsets(of topic: String) async throws -> [Int64]?

    /// Up to `limit` records of `partition` from `offset` on, in offset order.
    func records(of topic: String, partition: Int, from offset: Int64, limit: Int) async throws -> [BrokerRecord]

    /// Lets go of the connection, if there is one.
    func close() async
}

/// A SQLite store's topics.
struct SQLiteTailSource: TailSource {
    let reader: SQLiteStoreReader

    func endOffsets(of topic: String) async throws -> [Int64]? { try reader.endOffsets(of: topic) }

    func records(of topic: String, partition: Int, from offset: Int64, limit: Int) async throws -> [BrokerRecord] {
        try reader.records(of: topic, partition: partition, from: offset, limit: limit)
    }

    func close() async {}
}

extension RedisReader: TailSource {
    func endOffsets(of topic: String) async throws -> [Int64]? {
        do throws(BrokerError) {
            return try await broker.stats(of: topic).endOffsets
        } catch .unknownTopic {
            return nil
        }
    }

    func records(of topic: String, partition: Int, from offset: Int64, limit: Int) async throws -> [BrokerRecord] {
        try await broker.records(of: topic, partition: partition, from: offset, limit: limit)
    }
}
