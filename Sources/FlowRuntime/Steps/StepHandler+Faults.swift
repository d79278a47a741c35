import FlowCore
import Logging
import Synchronization

/// The declared faults of one consumer's steps, by instruction index, and how many each kind injected.
///
/// Invariant: built only when the run turns faults on; the counts only grow.
final class FaultInjector: Sendable {
    let faults: [Int: [Pipeline.Fault]]
    private let counts = Mutex<[String: Int]>([:])

    /// The faults of `consumer` among `declared`, by the index of the instruction each names in `program`.
    init(_ declared: [Pipeline.Fault], in program: StepProgram) {
        var faults: [Int: [Pipeline.Fault]] = [:]
        for fault in declared {
            guard let index = program.labels.firstIndex(of: fault.step) else { continue }
            faults[index, default: []].append(fault)
        }
        self.faults = faults
    }

    /// How many faults of each kind (`error`, `latency`, `status`) were injected so far.
    var injected: [String: Int] { counts.withLock { $0 } }

    func count(_ fault: Pipeline.Fault) {
        counts.withLock { $0[fault.kind, default: 0] += 1 }
    }
}

extension StepHandler {
    /// What a fault did to a step's call.
    enum Injection {
        /// No fault applied: the step runs.
        case none
        /// The fault answered in the step's place (a 2xx status): the next step runs.
        case answered
        /// The invocation stops or waits here.
        case stop(Stop)
    }

    /// Injects the first of `faults` whose `when` holds and whose draw (from the attempt's seeded stream) falls
    /// under its rate. A latency fault waits, then the step runs (`StepRun.faultDelayed`).
    func injectFault(_ faults: [Pipeline.Fault], at index: Int, _ run: inout StepRun) -> Injection {
        for fault in faults {
            if let when = fault.when {
                guard case .bool(true)? = try? when.evaluate(&run.context) else { continue }
            }
            let draw = Double(run.context.random.next() >> 11) / Double(UInt64(1) << 53)
            guard draw < fault.rate else { continue }
            faultInjector?.count(fault)
            logger.debug(
                "fault injected",
                metadata: run.metadata.merging(
                    ["flow.fault": "\(fault.kind)", "flow.step": "\(program.labels[index])"]
                ) { $1 }
            )
            switch fault.effect {
            case .error(let message, let permanent):
                return .stop(.finished(.failure(message: message, permanent: permanent)))
            case .status(let status):
                return mocked(.status(status, body: nil), label: program.labels[index], &run).map { .stop($0) }
                    ?? .answered
            case .latency(let duration):
                run.faultDelayed = index
                return .stop(.delay(duration))
            }
        }
        return .none
    }
}
