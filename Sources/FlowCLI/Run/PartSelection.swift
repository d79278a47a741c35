import FlowCore
import FlowRuntime
import Foundation

/// `flow run --only`: which producers and consumers of a pipeline this process runs, so several processes on
/// a shared broker split one pipeline (a file producer once, consumers everywhere).
///
/// Invariant: `producers` and `consumers` name only parts the pipeline has; topics and groups are always all
/// declared, whatever is selected.
struct PartSelection: Sendable, Equatable {
    var producers: Set<String>
    var consumers: Set<String>

    /// Parses `text` (comma-separated: `producers`, `consumers`, or names of producers and consumers) against
    /// `pipeline`; the error is a message with a did-you-mean hint.
    static func parse(_ text: String, in pipeline: Pipeline) -> Result<PartSelection, PartSelectionError> {
        let producerNames = pipeline.producers.map(\.name)
        let consumerNames = pipeline.consumers.map(\.name)
        var selection = PartSelection(producers: [], consumers: [])
        for item in text.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) {
            switch item {
            case "producers": selection.producers.formUnion(producerNames)
            case "consumers": selection.consumers.formUnion(consumerNames)
            case _ where producerNames.contains(item): selection.producers.insert(item)
            case _ where consumerNames.contains(item): selection.consumers.insert(item)
            default:
                let known = ["producers", "consumers"] + producerNames + consumerNames
                let hint = Suggestion.hint(for: item, in: known).map { "; \($0)" } ?? ""
                return .failure(
                    PartSelectionError(
                        message: "--only: \"\(item)\" is neither a producer nor a consumer of \(pipeline.name)\(hint) "
                            + "(known: \(known.joined(separator: ", ")))"
                    )
                )
            }
        }
        guard !(selection.producers.isEmpty && selection.consumers.isEmpty) else {
            return .failure(PartSelectionError(message: "--only selects nothing; name producers or consumers"))
        }
        return .success(selection)
    }

    /// What the run runs (every topic and group is declared all the same).
    var parts: RunParts { RunParts(producers: producers, consumers: consumers) }
}

/// Why `--only` does not fit the pipeline.
struct PartSelectionError: Error {
    var message: String
}
