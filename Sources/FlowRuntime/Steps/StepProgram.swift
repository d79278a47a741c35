import FlowCore
import Logging

/// A consumer's filter and steps flattened into one list of instructions, so an invocation's position is a
/// single index: suspending at a `delay` or `exec` inside a route case stores that index and nothing else.
///
/// Invariants: `instructions` and `labels` have the same count; every jump target is in
/// `0...instructions.count` (the count itself means "done"); a route compiles to a `branch` per case with a
/// `when`, the case's `to` as an `emit`, its nested steps, then a `jump` past the route.
struct StepProgram: Sendable {
    /// One operation of the flattened program.
    enum Instruction: Sendable {
        /// Stops with `.filtered` unless the condition holds.
        case filter(FlowCore.Expression)
        case log(Template, Logger.Level)
        case set([Step.Assignment])
        case emit(Step.Emit)
        /// Falls through when the condition holds, else continues at `otherwise`.
        case branch(FlowCore.Expression, otherwise: Int)
        case jump(Int)
        case delay(Duration)
        case fail(Step.Fail)
        case drop(FlowCore.Expression?)
        case exec(ExecCommand)
        /// Calls the Swift handler registered under this name.
        case swift(String)
        /// POSTs the current event (docs/http.md).
        case http(Step.HTTP)
    }

    private(set) var instructions: [Instruction] = []
    /// Where each instruction came from, for failure messages: `filter`, `step 2 (set)`, `step 3.1.2 (emit)`.
    private(set) var labels: [String] = []

    /// True when some instruction may suspend (`delay`, `exec`, `swift`, `http`); otherwise every invocation
    /// completes inline.
    var isAsynchronous: Bool {
        instructions.contains { instruction in
            switch instruction {
            case .delay, .exec, .swift, .http: true
            default: false
            }
        }
    }

    /// Whether instruction `index` is a step of the file (or the filter), not a jump a route compiled to: what
    /// gets a span of its own.
    func isStep(_ index: Int) -> Bool {
        switch instructions[index] {
        case .branch, .jump: false
        default: true
        }
    }

    /// The program of `consumer`: its `filter` first, then its steps.
    init(_ consumer: Pipeline.Consumer) {
        if let filter = consumer.filter { append(.filter(filter), label: "filter") }
        compile(consumer.steps, prefix: "")
    }

    private mutating func append(_ instruction: Instruction, label: String) {
        instructions.append(instruction)
        labels.append(label)
    }

    /// Appends `steps`; nested steps are numbered `<step>.<case>.<step>` from 1.
    private mutating func compile(_ steps: [Step], prefix: String) {
        for (index, step) in steps.enumerated() {
            let number = prefix + String(index + 1)
            let label = Step.label(number: number, kind: step.kind)
            switch step.kind {
            case .log(let log): append(.log(log.message, Self.level(log.level)), label: label)
            case .set(let assignments): append(.set(assignments), label: label)
            case .filter(let condition): append(.filter(condition), label: label)
            case .emit(let emit): append(.emit(emit), label: label)
            case .route(let cases): compileRoute(cases, number: number)
            case .delay(let duration): append(.delay(duration), label: label)
            case .fail(let fail): append(.fail(fail), label: label)
            case .drop(let when): append(.drop(when), label: label)
            case .exec(let exec): append(.exec(ExecCommand(exec)), label: label)
            case .swift(let name): append(.swift(name), label: label)
            case .http(let http): append(.http(http), label: label)
            }
        }
    }

    private mutating func compileRoute(_ cases: [Step.RouteCase], number: String) {
        var exits: [Int] = []
        for (index, routeCase) in cases.enumerated() {
            let caseNumber = "\(number).\(index + 1)"
            var branch: Int?
            if let when = routeCase.when {
                branch = instructions.count
                append(.branch(when, otherwise: -1), label: "step \(caseNumber) (when)")
            }
            if let to = routeCase.to {
                append(.emit(Step.Emit(to: to)), label: "step \(caseNumber) (to)")
            }
            compile(routeCase.steps, prefix: caseNumber + ".")
            exits.append(instructions.count)
            append(.jump(-1), label: "step \(number) (route)")
            if let branch, case .branch(let when, _) = instructions[branch] {
                instructions[branch] = .branch(when, otherwise: instructions.count)
            }
        }
        for exit in exits { instructions[exit] = .jump(instructions.count) }
    }

    private static func level(_ level: Step.Log.Level) -> Logger.Level {
        switch level {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        }
    }
}
