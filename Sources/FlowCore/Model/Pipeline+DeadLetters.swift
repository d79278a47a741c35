extension Pipeline {
    /// Every topic some consumer or producer dead-letters to, in declaration order (consumers first), once
    /// each.
    public var deadLetterTopics: [String] {
        var seen: Set<String> = []
        return (consumers.compactMap(\.deadLetter) + producers.compactMap(\.deadLetter)).filter {
            seen.insert($0).inserted
        }
    }
}
