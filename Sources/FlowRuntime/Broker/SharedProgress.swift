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
}
