/// A broker several processes share can also say which producers have finished, so `--until-idle` ends in a
/// process that runs only consumers once the producers elsewhere are done and every group caught up.
///
/// Invariant: a producer counts as finished once a process that ran it reported `finished` and no process
/// started it again since.
public protocol SharedProgress: Broker {
    /// `producer` starts in this process: it is not finished (anymore).
    func started(producer: String) async throws(BrokerError)
    /// `producer` produced everything its source holds and every record is stored.
    func finished(producer: String) async throws(BrokerError)
    /// Those of `producers` no process has reported finished.
    func unfinished(_ producers: [String]) async throws(BrokerError) -> [String]
    /// The partitions each member of this process held at some point of the run, for the summary.
    func ownership() async -> [PartitionOwnership]
}

/// Which partitions of a topic one member of a group held during a run (on a broker several processes share).
public struct PartitionOwnership: Sendable, Hashable {
    /// The member's unique name on the broker (`NAME@HOST:PID:RANDOM` on Redis).
    public var member: String
    public var topic: String
    public var group: String
    /// Sorted; empty when the member never got a partition (more members than partitions).
    public var partitions: [Int]

    public init(member: String, topic: String, group: String, partitions: [Int]) {
        self.member = member
        self.topic = topic
        self.group = group
        self.partitions = partitions
    }
}
