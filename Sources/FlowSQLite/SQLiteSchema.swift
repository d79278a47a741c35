/// The store's tables and the checks that a file is a flow store of a version this build reads.
///
/// Layout (one row per record, per group partition, per ack above a watermark):
/// - `topics(name, partitions, capacity, retention, evicted)`; `partitions(topic, partition, base)`, where
///   `base` is the offset of the first kept record (the end offset is `max(base, highest offset + 1)`);
/// - `records(topic, partition, offset, key, event)`: the event as its CloudEvents JSON;
/// - `groups(topic, grp, partition, committed)` and `acks(topic, grp, partition, offset)`: each group's
///   watermark and the offsets it acked above it;
/// - `retries(topic, grp, partition, offset, attempts, due, first_failure, last_error)`: the `RetryState` of
///   each record a group waits to retry (times in milliseconds since 1970), deleted with the record's ack;
/// - `begun(topic, grp, partition, offset, count)`: attempts begun on a record handed out again after a
///   restart and never finished (`AbandonedAttempts`), deleted with the record's ack or next retry state
///   (added within layout 1: an older build ignores the table, leaving rows of records it retries, which the
///   ack deletes; a row of 0 keeps a record taken over across a clean close);
/// - `meta(key, value)`: `clean` = 1 while the store rests after a run that ended with every attempt finished
///   (deleted as a run opens it, so a crash leaves it absent; added within layout 1 like `begun`: an older
///   build neither reads nor deletes it, so its crashes count as clean ends);
/// - `checkpoints(producer, source, produced, offset, random)`: how far each producer got (`ProducerCheckpoint`,
///   `random` as the bit pattern of its `UInt64`).
///
/// `PRAGMA application_id` marks the file as flow's, `PRAGMA user_version` holds `version`.
enum SQLiteSchema {
    /// `flow` in ASCII.
    static let applicationID: Int64 = 0x666C_6F77
    /// The layout version this build writes and reads.
    static let version: Int64 = 1

    static let tables = """
        CREATE TABLE IF NOT EXISTS topics(
            name TEXT PRIMARY KEY, partitions INTEGER NOT NULL, capacity INTEGER NOT NULL,
            retention INTEGER NOT NULL, evicted INTEGER NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS partitions(
            topic TEXT NOT NULL, partition INTEGER NOT NULL, base INTEGER NOT NULL,
            PRIMARY KEY(topic, partition)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS records(
            topic TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL, key TEXT, event BLOB NOT NULL,
            PRIMARY KEY(topic, partition, offset)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS groups(
            topic TEXT NOT NULL, grp TEXT NOT NULL, partition INTEGER NOT NULL, committed INTEGER NOT NULL,
            PRIMARY KEY(topic, grp, partition)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS acks(
            topic TEXT NOT NULL, grp TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL,
            PRIMARY KEY(topic, grp, partition, offset)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS retries(
            topic TEXT NOT NULL, grp TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL,
            attempts INTEGER NOT NULL, due INTEGER NOT NULL, first_failure INTEGER NOT NULL, last_error TEXT NOT NULL,
            PRIMARY KEY(topic, grp, partition, offset)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS begun(
            topic TEXT NOT NULL, grp TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL,
            count INTEGER NOT NULL, PRIMARY KEY(topic, grp, partition, offset)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS checkpoints(
            producer TEXT PRIMARY KEY, source TEXT NOT NULL, produced INTEGER NOT NULL, offset INTEGER NOT NULL,
            random INTEGER NOT NULL) WITHOUT ROWID;
        """

    /// Sets up a new file, or checks that an existing one is a flow store this build can read.
    static func prepare(_ connection: SQLiteConnection, synchronous: String) throws(SQLiteStoreError) {
        let application = try connection.integer("PRAGMA application_id") ?? 0
        let version = try connection.integer("PRAGMA user_version") ?? 0
        let tables = try connection.integer("SELECT count(*) FROM sqlite_master") ?? 0
        if application == 0 && tables == 0 {
            try connection.execute("PRAGMA auto_vacuum = INCREMENTAL")
        } else if application != applicationID {
            throw SQLiteStoreError(
                path: connection.path,
                "the file is not a flow store (an SQLite database of something else); name another file"
            )
        } else if version > Self.version {
            throw SQLiteStoreError(
                path: connection.path,
                "the store was written by a newer flow (layout \(version), this flow reads \(Self.version))"
            )
        }
        guard try connection.text("PRAGMA journal_mode = WAL") == "wal" else {
            throw SQLiteStoreError(path: connection.path, "the file system does not support write-ahead logging")
        }
        try connection.execute("PRAGMA synchronous = \(synchronous)")
        try connection.execute(
            "BEGIN IMMEDIATE; \(Self.tables) PRAGMA application_id = \(applicationID); "
                + "PRAGMA user_version = \(Self.version); COMMIT"
        )
        if tables != 0 {
            guard try connection.text("PRAGMA quick_check") == "ok" else {
                throw SQLiteStoreError(path: connection.path, "the store is corrupt (PRAGMA quick_check failed)")
            }
        }
    }
}
