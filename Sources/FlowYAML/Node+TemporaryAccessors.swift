import FlowCore

extension Node {
    public var mapping: [Pair]? { if case .mapping(let p) = kind { return p } else { return nil } }
    public var sequence: [Node]? { if case .sequence(let p) = kind { return p } else { return nil } }
    public var scalar: Scalar? { if case .scalar(let p) = kind { return p } else { return nil } }
    public func value(forKey key: String) -> Node? { mapping?.first { $0.key.scalar?.text == key }?.value }
    public var kindName: String { "x" }
    public var scalarValue: Value? {
        guard let s = scalar else { return nil }
        if s.style != .plain { return .string(s.text) }
        if s.text.isEmpty || s.text == "null" || s.text == "~" { return .null }
        if let i = Int(s.text) { return .int(i) }
        if s.text == "true" { return .bool(true) }
        if s.text == "false" { return .bool(false) }
        if let d = Double(s.text) { return .double(d) }
        return .string(s.text)
    }
}
public struct YAMLLimits: Sendable { public static let `default` = YAMLLimits() }
public enum YAMLParser {
    public static func parse(_ text: String, file: String, limits: YAMLLimits) -> (root: Node?, diagnostics: [Diagnostic]) { (nil, []) }
}
extension Template { public var constantValue: Value? { nil } }
