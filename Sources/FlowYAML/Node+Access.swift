import FlowCore

extension Node {
    /// The pairs of a mapping, in document order; nil for scalars and lists.
    public var mapping: [Pair]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    /// The items of a list; nil for scalars and mappings.
    public var sequence: [Node]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    /// The scalar of a scalar node; nil for mappings and lists.
    public var scalar: Scalar? {
        if case .scalar(let scalar) = kind { return scalar }
        return nil
    }

    /// The value of the pair whose key is a scalar with text `key`, if this is a mapping that has one.
    public func value(forKey key: String) -> Node? {
        mapping?.first { $0.key.scalar?.text == key }?.value
    }

    /// The YAML type users see in wrong-type messages (`expected a mapping, found a list`): "mapping", "list",
    /// or for a scalar the type of its `scalarValue` ("string", "number", "boolean", "null"); a scalar whose tag
    /// cannot hold its text (`!!int abc`) is a "string".
    public var kindName: String {
        switch kind {
        case .mapping: return "mapping"
        case .sequence: return "list"
        case .scalar:
            switch scalarValue {
            case .null: return "null"
            case .bool: return "boolean"
            case .int, .double: return "number"
            default: return "string"
            }
        }
    }
}
