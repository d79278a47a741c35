import FlowCore

/// The shape a YAML node must have: one description drives the validator, the decoder's key lookups and
/// the JSON Schema that `flow schema` prints, so the three can never disagree.
public indirect enum SchemaType: Sendable {
    /// A mapping with a fixed set of keys.
    case object(ObjectSchema)
    /// A mapping from user-chosen names (topics, producers, consumers) to values of one shape; `null` values
    /// are allowed where `allowsNull` says so (`payments: {}` and `payments:` mean the same).
    case dictionary(of: SchemaType, names: String)
    case list(of: SchemaType, minItems: Int)
    case string(StringFormat)
    case integer(min: Int, max: Int)
    case number(min: Double)
    case boolean
    /// Any YAML value (event data); string leaves are templates in `scope`, or taken as they are when nil.
    case data(scope: ExpressionScope?)
    /// One of several forms, tried in order by YAML kind (e.g. a scalar shorthand or a full mapping).
    case oneOf([SchemaType])
    /// An explicit YAML `null` (`drop:` with nothing after it).
    case null
    /// A shape defined once in `PipelineSchema.definitions` (recursive shapes such as steps inside routes).
    case reference(String)

    /// What the YAML kind must be for this schema to apply, for `wrong-type` messages.
    public var expectedKind: String {
        switch self {
        case .object, .dictionary: "a mapping"
        case .list: "a list"
        case .string(let format): format.expectedText
        case .integer: "an integer"
        case .number: "a number"
        case .boolean: "true or false"
        case .data: "a value"
        case .null: "nothing"
        case .reference(let name): PipelineSchema.definition(name).expectedKind
        case .oneOf(let forms): forms.map(\.expectedKind).joined(separator: " or ")
        }
    }
}

/// What a string must contain; each format is checked at load time.
public enum StringFormat: Sendable {
    /// Free text; `${env.NAME}` is substituted at load time and nothing else may be templated.
    case text
    /// A name made of letters, digits, `.`, `_` and `-`.
    case identifier
    /// The name of a declared topic.
    case topic
    case duration
    case rate
    case expression(ExpressionScope)
    case template(ExpressionScope)
    case enumeration([String])

    var expectedText: String {
        switch self {
        case .duration: "a duration such as 250ms, 1.5s or 2m"
        case .rate: "a rate such as 500/s or 30/m"
        case .enumeration(let cases): "one of " + cases.map { "\"\($0)\"" }.joined(separator: ", ")
        case .expression: "an expression"
        case .topic: "a topic name"
        default: "a string"
        }
    }
}
