extension Step.Kind {
    /// The kind's YAML name (`exec`, `http`, …), one of `Step.kindNames`.
    public var name: String {
        switch self {
        case .log: "log"
        case .set: "set"
        case .filter: "filter"
        case .emit: "emit"
        case .route: "route"
        case .delay: "delay"
        case .fail: "fail"
        case .drop: "drop"
        case .exec: "exec"
        case .http: "http"
        case .swift: "swift"
        }
    }
}

extension Step {
    /// How messages, metrics, spans and mocks name the step numbered `number` (`2`, `3.1.2` for the second
    /// step of a route's first case): `step 3.1.2 (http)`.
    public static func label(number: String, kind: Kind) -> String {
        "step \(number) (\(kind.name))"
    }

    /// Every step of `steps` (routes' nested steps included, after their route) with its number and label.
    public static func numbered(_ steps: [Step], prefix: String = "") -> [(number: String, label: String, step: Step)] {
        var all: [(number: String, label: String, step: Step)] = []
        for (index, step) in steps.enumerated() {
            let number = prefix + String(index + 1)
            all.append((number, label(number: number, kind: step.kind), step))
            if case .route(let cases) = step.kind {
                for (caseIndex, routeCase) in cases.enumerated() {
                    all += numbered(routeCase.steps, prefix: "\(number).\(caseIndex + 1).")
                }
            }
        }
        return all
    }
}
