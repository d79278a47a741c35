import FlowCore

extension Node {
    /// The node as a JSON-shaped value under the YAML 1.2 core schema, lower-case spellings only.
    ///
    /// A plain untagged scalar resolves by its text: `null`, `~` or nothing is null; exactly `true` or `false`
    /// is a boolean (`yes`, `no`, `on`, `True`, `NO` stay strings, so `country: NO` is "NO"); `[-+]?[0-9]+`,
    /// `0x…` and `0o…` are ints (a decimal too large for `Int` is a double); `1.5`, `-2e3`, `.5`, `1.`, `.inf`,
    /// `-.inf` and `.nan` are doubles; anything else is a string. Quoted, literal and folded scalars are strings.
    /// Tags decide over the text: `!!str` and `!` make a string, `!!int`, `!!float`, `!!bool` and `!!null` make
    /// their type or nil when the text is not one (`!!int abc`); other tags resolve like no tag. A mapping is an
    /// object (nil if a key is not a scalar), a list an array; nil anywhere inside makes the whole value nil.
    public var scalarValue: Value? {
        switch kind {
        case .scalar(let scalar):
            return CoreSchema.resolve(scalar, tag: tag)
        case .sequence(let items):
            var values: [Value] = []
            values.reserveCapacity(items.count)
            for item in items {
                guard let value = item.scalarValue else { return nil }
                values.append(value)
            }
            return .array(values)
        case .mapping(let pairs):
            var fields: [String: Value] = [:]
            fields.reserveCapacity(pairs.count)
            for pair in pairs {
                guard let key = pair.key.scalar?.text, let value = pair.value.scalarValue else { return nil }
                fields[key] = value
            }
            return .object(fields)
        }
    }
}
