import ArgumentParser

/// The picture formats of `flow graph --format`: Mermaid (renders in GitHub Markdown) or Graphviz DOT.
///
/// The raw values are the names users type and never change.
public enum GraphFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    case mermaid
    case dot
}
