/// A mapping with known keys.
///
/// Invariant: property names are unique; `exclusive` groups list keys of which at most one may appear and,
/// when `oneRequired` is set, exactly one must.
public struct ObjectSchema: Sendable {
    public var title: String
    public var description: String
    public var properties: [Property]
    public var exclusive: [String]
    public var oneRequired: Bool
    /// The keys name a kind (a step's one key is its kind): exactly one key, and an unknown key is an
    /// unknown kind (rule `unknown-step`) rather than an unknown key.
    public var keysAreKinds: Bool

    public init(
        _ title: String,
        _ description: String,
        properties: [Property],
        exclusive: [String] = [],
        oneRequired: Bool = false,
        keysAreKinds: Bool = false
    ) {
        self.title = title
        self.description = description
        self.properties = properties
        self.exclusive = exclusive
        self.oneRequired = oneRequired
        self.keysAreKinds = keysAreKinds
    }

    /// The property named `name`, if the language has it.
    public func property(_ name: String) -> Property? {
        properties.first { $0.name == name }
    }

    public var propertyNames: [String] { properties.map(\.name) }

    /// One key of an object.
    public struct Property: Sendable {
        public var name: String
        public var type: SchemaType
        public var required: Bool
        public var description: String
        /// The default the loader applies, as documentation text (`"1"`, `"exponential"`).
        public var defaultText: String?

        public init(
            _ name: String,
            _ type: SchemaType,
            required: Bool = false,
            default defaultText: String? = nil,
            _ description: String
        ) {
            self.name = name
            self.type = type
            self.required = required
            self.description = description
            self.defaultText = defaultText
        }
    }
}
