import FlowCore

/// Renders `PipelineSchema` as JSON Schema 2020-12, for editors (completion, hover docs) and other tools.
public enum JSONSchemaExporter {
    public static let schemaID = "https://flow-pipelines.github.io/schema/pipeline-v1.json"

    /// The whole schema document.
    public static func document() -> Value {
        guard case .object(var root) = objectSchema(PipelineSchema.root) else { return .null }
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        root["$id"] = .string(schemaID)
        root["title"] = "flow pipeline"
        var definitions: [String: Value] = [:]
        for name in PipelineSchema.definitionNames {
            definitions[name] = schema(PipelineSchema.definition(name))
        }
        root["$defs"] = .object(definitions)
        root["allOf"] = .array(inheritedObjects.map(inheritanceRule))
        return .object(root)
    }

    public static let testSchemaID = "https://flow-pipelines.github.io/schema/test-v1.json"

    /// The schema of `*.test.yml` files (`TestFileSchema`).
    public static func testDocument() -> Value {
        guard case .object(var root) = objectSchema(TestFileSchema.root) else { return .null }
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        root["$id"] = .string(testSchemaID)
        root["title"] = "flow test file"
        return .object(root)
    }

    /// Settings of `defaults:` whose keys a consumer inherits one by one (`PipelineDecoder.merge`), so a
    /// consumer may give only some of their required keys when `defaults:` gives the object too.
    static let inheritedObjects: [(name: String, required: [String])] = PipelineSchema.defaults.properties
        .compactMap { property in
            guard case .object(let object) = property.type else { return nil }
            let required = object.properties.filter(\.required).map(\.name)
            return required.isEmpty ? nil : (property.name, required)
        }

    /// Without `<name>` under `defaults:`, every consumer's `<name>` needs all its required keys.
    private static func inheritanceRule(_ inherited: (name: String, required: [String])) -> Value {
        let complete: Value = ["required": .array(inherited.required.map(Value.string))]
        return [
            "if": [
                "required": ["defaults"],
                "properties": ["defaults": ["required": [.string(inherited.name)]]],
            ],
            "else": [
                "properties": [
                    "consumers": ["additionalProperties": ["properties": [inherited.name: complete]]]
                ]
            ],
        ]
    }

    static func schema(_ type: SchemaType) -> Value {
        switch type {
        case .object(let object):
            return objectSchema(object)
        case .dictionary(let valueType, let names):
            var entry = schema(valueType)
            if case .object(let object) = valueType, !object.properties.contains(where: \.required) {
                entry = ["anyOf": [["type": "null"], entry]]
            }
            return [
                "type": ["object", "null"],
                "description": .string("A mapping from \(names) names to their settings."),
                "propertyNames": ["pattern": .string(names == "extension" ? "^[a-z0-9]+$" : "^[A-Za-z0-9._-]+$")],
                "additionalProperties": entry,
            ]
        case .list(let item, let minItems):
            return ["type": "array", "items": schema(item), "minItems": .int(minItems)]
        case .string(let format):
            return string(format)
        case .integer(let min, let max):
            var fields: [String: Value] = ["type": "integer", "minimum": .int(min)]
            if max < Int.max { fields["maximum"] = .int(max) }
            return .object(fields)
        case .number(let min):
            return ["type": "number", "minimum": .double(min)]
        case .boolean:
            return ["type": "boolean"]
        case .data:
            return ["description": "Any value; strings may hold ${...} templates."]
        case .oneOf(let forms):
            return ["anyOf": .array(forms.map(schema))]
        case .null:
            return ["type": "null"]
        case .reference(let name):
            return ["$ref": .string("#/$defs/\(name)")]
        }
    }

    private static func objectSchema(_ object: ObjectSchema) -> Value {
        var properties: [String: Value] = [:]
        for property in object.properties {
            guard case .object(var fields) = schema(property.type) else { continue }
            var description = property.description
            if let defaultText = property.defaultText { description += " Default: \(defaultText)." }
            fields["description"] = .string(description)
            if object.title == PipelineSchema.consumer.title,
                inheritedObjects.contains(where: { $0.name == property.name })
            {
                fields["required"] = nil
            }
            properties[property.name] = .object(fields)
        }
        var fields: [String: Value] = [
            "type": "object",
            "title": .string(object.title),
            "description": .string(object.description),
            "properties": .object(properties),
            "additionalProperties": false,
        ]
        let required = object.properties.filter(\.required).map { Value.string($0.name) }
        if !required.isEmpty { fields["required"] = .array(required) }
        if !object.exclusive.isEmpty {
            let branches = object.exclusive.map { name -> Value in
                let others = object.exclusive.filter { $0 != name }.map { Value.string($0) }
                return ["required": [.string(name)], "not": ["anyOf": .array(others.map { ["required": [$0]] })]]
            }
            let none: Value = ["not": ["anyOf": .array(object.exclusive.map { ["required": [.string($0)]] })]]
            fields[object.oneRequired ? "oneOf" : "anyOf"] = .array(object.oneRequired ? branches : branches + [none])
        }
        if object.keysAreKinds {
            fields["minProperties"] = 1
            fields["maxProperties"] = 1
        }
        return .object(fields)
    }

    /// The YAML scalars the validator reads as text: a number or a boolean is fine wherever free text, a name,
    /// an expression or a template is expected (`exec: [sleep, 1]`, `filter: true`, `name: 2024`).
    private static let textScalar: Value = ["string", "number", "boolean"]

    private static func string(_ format: StringFormat) -> Value {
        switch format {
        case .duration:
            return ["type": "string", "pattern": .string("^\(DurationText.pattern)$")]
        case .rate:
            // `N/UNIT` or `N/DURATION` (`Rate.parse`).
            let per = "(\(DurationText.unitPattern)|\(DurationText.pattern))"
            return ["type": "string", "pattern": .string("^[1-9][0-9]*/\(per)$")]
        case .identifier, .topic:
            return ["type": textScalar, "pattern": "^[A-Za-z0-9._-]+$"]
        case .enumeration(let cases):
            return ["type": "string", "enum": .array(cases.map(Value.string))]
        case .expression:
            return ["type": textScalar, "description": "An expression (docs/expressions.md)."]
        case .template, .text:
            return ["type": textScalar]
        }
    }
}
