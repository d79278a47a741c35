import FlowCore

/// Draws a pipeline's topology for `flow graph`: producers, topics and consumers, with flow, emit and
/// dead-letter edges.
///
/// Invariants: rendering is pure and deterministic (declaration order, no trailing newline); node ids are unique
/// sanitised names prefixed by kind (`p_orders_gen`, `t_orders`, `c_billing`); every label is quoted and
/// escaped for its format, so any name or filter text yields a valid diagram. Topics show their partition count
/// when above one (`orders ×4`); consumers show their group when it differs from their name; topic → consumer
/// edges carry the consumer's filter (at most 40 characters); dead-letter edges are dashed.
public enum GraphRenderer {
    /// The diagram source for `pipeline` in `format`.
    public static func render(_ pipeline: Pipeline, format: GraphFormat) -> String {
        let graph = TopologyGraph(pipeline)
        switch format {
        case .mermaid: return renderMermaid(graph)
        case .dot: return renderDOT(graph, name: pipeline.name)
        }
    }
}
