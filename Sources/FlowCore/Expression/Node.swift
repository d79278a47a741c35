/// A checked expression ready to evaluate: names, functions and constant paths are resolved to enum cases
/// and pre-split steps, so evaluation never looks anything up by name except keys inside event data.
///
/// Invariant: built only by `Checker`, so every node's operand types were possible at load time and every
/// sub-tree without run-time inputs has already been folded into `.constant`.
indirect enum Node: Sendable {
    case constant(Value)
    case attribute(EventAttribute)
    /// `data` followed by field and index steps.
    case data([PathStep])
    /// `ext.NAME` followed by field and index steps.
    case extensionAttribute(String, [PathStep])
    case attempt
    /// Steps into a computed value (`[1, 2][i]`, `default(data.a, {}).b`).
    case path(Node, [PathStep])
    case list([Node])
    case map([(key: Node, value: Node)])
    case not(Node)
    case negate(Node)
    case and(Node, Node)
    case or(Node, Node)
    case equal(Node, Node)
    case notEqual(Node, Node)
    /// Arithmetic, ordering and `in`.
    case binary(Syntax.BinaryOperator, Node, Node)
    case conditional(Node, Node, Node)
    /// A built-in function; `has` receives a path node (`isFieldPath`) and never evaluates it to a value.
    case call(Function, [Node])
    /// `matches(s, "literal")` with the pattern compiled at load time.
    case matches(Node, Pattern)

    /// The CloudEvents context attributes expressions can name directly.
    enum EventAttribute: String, Sendable, CaseIterable {
        case id
        case source
        case type
        case specversion
        case subject
        case time
        case datacontenttype
    }

    /// One step of a path: a field, a list position, or a key or position computed at run time.
    enum PathStep: Sendable {
        case key(String)
        case index(Int)
        case dynamic(Node)
    }

    var isConstant: Bool {
        if case .constant = self { return true }
        return false
    }

    /// The node with `step` appended, merging into an existing path so evaluation walks one flat list.
    func appending(_ step: PathStep) -> Node {
        switch self {
        case .data(let steps): .data(steps + [step])
        case .extensionAttribute(let name, let steps): .extensionAttribute(name, steps + [step])
        case .path(let base, let steps): .path(base, steps + [step])
        default: .path(self, [step])
        }
    }

    /// True for the nodes `has()` accepts: event attributes, `data`, extensions and paths into them.
    var isFieldPath: Bool {
        switch self {
        case .attribute, .data, .extensionAttribute: true
        case .path(let base, _): base.isFieldPath
        default: false
        }
    }
}
