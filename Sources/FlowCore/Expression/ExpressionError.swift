/// A load-time error inside an expression or template, positioned relative to the start of its text.
public struct ExpressionError: Error, Sendable, Hashable {
    public var rule: Rule
    public var message: String
    /// 0-based offset in Unicode scalars from the start of the expression/template text.
    public var offset: Int
    public var length: Int
    public var hint: String?

    public init(rule: Rule, message: String, offset: Int, length: Int = 1, hint: String? = nil) {
        self.rule = rule
        self.message = message
        self.offset = offset
        self.length = length
        self.hint = hint
    }
}
