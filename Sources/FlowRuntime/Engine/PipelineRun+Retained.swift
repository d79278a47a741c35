import FlowCore

extension PipelineRun {
    /// What `topic` still holds, by partition then offset, and how many older events its retention evicted;
    /// nil when the broker cannot list a topic (only the memory broker can, today). For a dead-letter topic
    /// that no group reads, that is every dead letter of the run up to its `retention`.
    public func retained(of topic: String) async -> (events: [CloudEvent], evicted: Int)? {
        guard let memory = broker as? MemoryBroker,
            let records = try? await memory.records(of: topic),
            let stats = try? await memory.stats(of: topic)
        else { return nil }
        return (records.map(\.event), stats.evicted)
    }
}
