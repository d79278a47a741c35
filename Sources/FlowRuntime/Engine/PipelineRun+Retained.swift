import FlowCore

extension PipelineRun {
    /// What `topic` still holds, by partition then offset, and how many of its events are gone: `evicted` by its
    /// retention (a topic no group reads keeps its last `retention` events per partition) and `acked` by every
    /// group reading it. Nil when the broker cannot list a topic (see `TopicListing`).
    public func retained(of topic: String) async -> (events: [CloudEvent], evicted: Int, acked: Int)? {
        guard let listing = broker as? any TopicListing,
            let records = try? await listing.records(of: topic),
            let stats = try? await listing.stats(of: topic)
        else { return nil }
        return (records.map(\.event), stats.evicted, stats.published - stats.retained - stats.evicted)
    }
}
