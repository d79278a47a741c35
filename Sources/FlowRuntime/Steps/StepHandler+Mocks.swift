import FlowCore
import Foundation
import Synchronization

/// The outcomes of one mocked step and how many calls took one: the n-th call gets the n-th outcome, the
/// last repeating.
///
/// Invariant: `outcomes` is never empty (a `StepMock` guarantees it); calls of any event and attempt share
/// the count, in the order the handler's queue runs them.
final class MockScript: Sendable {
    private let outcomes: [StepMock.Outcome]
    private let calls = Mutex(0)

    init(_ outcomes: [StepMock.Outcome]) {
        self.outcomes = outcomes
    }

    /// The outcome of the next call.
    func next() -> StepMock.Outcome {
        let call = calls.withLock { count in
            defer { count += 1 }
            return count
        }
        return outcomes[min(call, outcomes.count - 1)]
    }

    /// The scripts of `mocks` by the index of the instruction each names (by label) in `program`; a mock
    /// naming no step of the program is ignored (the test file's loader reported it).
    static func scripts(_ mocks: [StepMock], in program: StepProgram) -> [Int: MockScript] {
        var scripts: [Int: MockScript] = [:]
        for mock in mocks {
            guard let index = program.labels.indices.first(where: { program.labels[$0] == mock.step }) else {
                continue
            }
            scripts[index] = MockScript(mock.outcomes)
        }
        return scripts
    }
}

extension StepHandler {
    /// What a mocked step does with `outcome` instead of running: nil to go on with the next step.
    func mocked(_ outcome: StepMock.Outcome, label: String, _ run: inout StepRun) -> Stop? {
        var data: Value?
        var emissions: [StepMock.Emission] = []
        switch outcome {
        case .ok(let replacement): data = replacement
        case .emit(let events): emissions = events
        case .retry(let message): return .finished(.failure(message: message, permanent: false))
        case .fail(let message): return .finished(.failure(message: message, permanent: true))
        case .status(let status, let body):
            var writer = JSONWriter()
            if let body { writer.write(body) }
            let reply = HTTPStepReply.response(status: status, retryAfter: nil, body: writer.bytes, truncated: false)
            switch HTTPStepOutcome(reply, url: "mock of \(label)", now: scheduler.wallClock) {
            case .unchanged: break
            case .replaceData(let replacement): data = replacement
            case .emit(let events):
                emissions = events.map { StepMock.Emission(topic: $0.topic, type: $0.type, data: $0.data) }
            case .failure(let message, let permanent, let retryAfter):
                return .finished(.failure(message: message, permanent: permanent, retryAfter: retryAfter))
            }
        }
        if let topic = topicKeys.firstUndeclared(emissions.map(\.topic)) {
            return .finished(
                .failure(message: "\(label): its mock emits to undeclared topic \"\(topic)\"", permanent: true)
            )
        }
        do throws(EvaluationError) {
            if let data { run.context.event?.data = data }
            for emission in emissions {
                try append(to: emission.topic, type: emission.type, data: emission.data, key: nil, &run)
            }
        } catch {
            return .finished(.failure(message: "expression failed in \(label): \(error.message)", permanent: true))
        }
        return nil
    }
}
