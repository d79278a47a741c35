/// Renders `PipelineSchema` as the Markdown key reference in `docs/language.md`, so the documentation of
/// every key comes from the same description the validator uses.
public enum LanguageReference {
    /// One section per object shape, each a table of its keys.
    public static func markdown() -> String {
        var out = ""
        for object in sections {
            out += "### `\(object.title)`\n\n\(object.description)\n\n"
            out += "| key | type | default | meaning |\n| --- | --- | --- | --- |\n"
            for property in object.properties {
                let name = property.required ? "`\(property.name)` (required)" : "`\(property.name)`"
                let type = typeText(property.type).replacingOccurrences(of: "|", with: "\\|")
                out += "| \(name) | \(type) | \(property.defaultText ?? "") | \(property.description) |\n"
            }
            if !object.exclusive.isEmpty {
                let keys = object.exclusive.map { "`\($0)`" }.joined(separator: ", ")
                out += "\n\(object.oneRequired ? "Exactly one" : "At most one") of \(keys).\n"
            }
            out += "\n"
        }
        return out
    }

    static let sections: [ObjectSchema] = [
        PipelineSchema.root, PipelineSchema.topic, PipelineSchema.producer, PipelineSchema.generate,
        PipelineSchema.eventTemplate, PipelineSchema.fileSource, PipelineSchema.stdinSource,
        PipelineSchema.httpSource, PipelineSchema.consumer,
        PipelineSchema.defaults, PipelineSchema.retry, PipelineSchema.circuitBreaker, PipelineSchema.stepKinds,
        PipelineSchema.logStep, PipelineSchema.emitStep, PipelineSchema.routeCase, PipelineSchema.failStep,
        PipelineSchema.dropStep, PipelineSchema.execStep, PipelineSchema.httpStep, PipelineSchema.fault,
    ]

    static func typeText(_ type: SchemaType) -> String {
        switch type {
        case .object(let object): "`\(object.title)` mapping"
        case .dictionary(let value, let names): "\(names) name → \(typeText(value))"
        case .list(let item, _): "list of \(typeText(item))"
        case .string(let format):
            switch format {
            case .text: "string"
            case .identifier: "name"
            case .topic: "topic name"
            case .duration: "duration"
            case .rate: "rate"
            case .expression: "expression"
            case .template: "template"
            case .enumeration(let cases): cases.joined(separator: " \\| ")
            }
        case .integer(let min, let max): max == Int.max ? "integer ≥ \(min)" : "integer \(min)–\(max)"
        case .number(let min): "number ≥ \(min)"
        case .boolean: "boolean"
        case .data(let scope): scope == nil ? "any value" : "any value (templates in strings)"
        case .oneOf(let forms): forms.map(typeText).joined(separator: " or ")
        case .null: "nothing"
        case .reference(let name): "`\(name)`"
        }
    }
}
