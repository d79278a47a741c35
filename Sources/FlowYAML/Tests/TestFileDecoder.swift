import FlowCore
import Foundation

/// Builds a `PipelineTestFile` from a node tree the schema check passed, keeping the nodes whose names only
/// the pipeline can check (mock keys, consumers, topics) for `TestReferenceChecker`.
struct TestFileDecoder {
    /// A name a test uses that must exist in the pipeline.
    struct Reference {
        enum Kind { case consumer, topic }
        var kind: Kind
        var name: String
        var node: Node
    }

    let file: String
    let reader = ScalarReader(environment: [:])
    var diagnostics: [Diagnostic] = []
    /// Per test, its `mocks:` pairs (key node: `CONSUMER.KIND` or `CONSUMER.NUMBER`, outcomes).
    var mockNodes: [[(key: Node, outcomes: [StepMock.Outcome])]] = []
    /// Per test, the consumers and topics it names.
    var referenceNodes: [[Reference]] = []

    init(file: String) {
        self.file = file
    }

    mutating func decode(_ root: Node) -> PipelineTestFile {
        let relative = root.value(forKey: "pipeline").flatMap { try? reader.text($0).get() } ?? ""
        let directory = (file as NSString).deletingLastPathComponent
        let pipeline =
            relative.hasPrefix("/") || directory.isEmpty
            ? relative : (directory as NSString).appendingPathComponent(relative)
        var tests: [PipelineTest] = []
        for node in root.value(forKey: "tests")?.sequence ?? [] {
            tests.append(decodeTest(node))
        }
        return PipelineTestFile(file: file, pipeline: (pipeline as NSString).standardizingPath, tests: tests)
    }

    private func text(_ node: Node?) -> String? {
        node.flatMap { try? reader.text($0).get() }
    }

    private func duration(_ node: Node?) -> Duration? {
        node.flatMap { try? reader.duration($0, key: "").get() }
    }

    private mutating func decodeTest(_ node: Node) -> PipelineTest {
        var test = PipelineTest(name: text(node.value(forKey: "name")) ?? "", location: node.location)
        var references: [Reference] = []
        if case .int(let seed)? = node.value(forKey: "seed")?.scalarValue { test.seed = UInt64(seed) }
        for pair in node.value(forKey: "env")?.mapping ?? [] {
            if let name = pair.key.scalar?.text, let value = text(pair.value) { test.environment[name] = value }
        }
        test.producers = text(node.value(forKey: "producers")) == "on"
        test.faults = text(node.value(forKey: "faults")) != "off"
        var mocks: [(key: Node, outcomes: [StepMock.Outcome])] = []
        for pair in node.value(forKey: "mocks")?.mapping ?? [] {
            mocks.append((pair.key, (pair.value.sequence ?? []).compactMap(decodeOutcome)))
        }
        for (index, given) in (node.value(forKey: "given")?.sequence ?? []).enumerated() {
            guard let to = given.value(forKey: "to"), let topic = text(to) else { continue }
            references.append(Reference(kind: .topic, name: topic, node: to))
            let event = decodeEvent(given.value(forKey: "event"), defaultID: "given-\(index + 1)")
            let at = duration(given.value(forKey: "at")) ?? .zero
            test.given.append(GivenEvent(topic: topic, at: at, event: event, location: given.location))
        }
        if let run = node.value(forKey: "run") {
            test.run = decodeRun(run)
        }
        for expectation in node.value(forKey: "expect")?.sequence ?? [] {
            if let decoded = decodeExpectation(expectation, &references) { test.expectations.append(decoded) }
        }
        mockNodes.append(mocks)
        referenceNodes.append(references)
        return test
    }

    private mutating func decodeRun(_ node: Node) -> PipelineTest.RunLength {
        let value = text(node) ?? "idle"
        if value == "idle" { return .idle }
        if let length = DurationText.parse(value) { return .duration(length) }
        diagnostics.append(
            .error(
                .invalidDuration,
                "\"run\" is neither idle nor a duration: \"\(value)\"",
                at: node.location,
                length: value.count,
                hint: "write idle, or a virtual duration such as 500ms or 10m"
            )
        )
        return .idle
    }

    private func decodeOutcome(_ node: Node) -> StepMock.Outcome? {
        if let ok = node.value(forKey: "ok") {
            let data = ok.scalarValue
            if case .object(let fields)? = data, fields.isEmpty { return .ok(data: nil) }
            return .ok(data: data == .null ? nil : data)
        }
        if let emit = node.value(forKey: "emit") {
            return .emit(
                (emit.sequence ?? []).map {
                    StepMock.Emission(
                        topic: text($0.value(forKey: "to")) ?? "",
                        type: text($0.value(forKey: "type")),
                        data: $0.value(forKey: "data")?.scalarValue
                    )
                }
            )
        }
        if let message = text(node.value(forKey: "retry")) { return .retry(message) }
        if let message = text(node.value(forKey: "fail")) { return .fail(message) }
        if case .int(let status)? = node.value(forKey: "status")?.scalarValue {
            return .status(status, body: node.value(forKey: "body")?.scalarValue)
        }
        return nil
    }

    private func decodeEvent(_ node: Node?, defaultID: String) -> CloudEvent {
        var extensions: [String: Value] = [:]
        for pair in node?.value(forKey: "ext")?.mapping ?? [] {
            if let name = pair.key.scalar?.text, let value = pair.value.scalarValue { extensions[name] = value }
        }
        return CloudEvent(
            id: text(node?.value(forKey: "id")) ?? defaultID,
            source: text(node?.value(forKey: "source")) ?? "flow-test",
            type: text(node?.value(forKey: "type")) ?? "test.event",
            subject: text(node?.value(forKey: "subject")),
            data: node?.value(forKey: "data")?.scalarValue ?? .null,
            extensions: extensions
        )
    }

    private mutating func decodeExpectation(_ node: Node, _ references: inout [Reference]) -> TestExpectation? {
        let keys = Set((node.mapping ?? []).compactMap { $0.key.scalar?.text })
        if let consumerNode = node.value(forKey: "consumer"), let consumer = text(consumerNode) {
            references.append(Reference(kind: .consumer, name: consumer, node: consumerNode))
            guard allowed(keys, TestFileSchema.consumerKeys, in: node, kind: "consumer") else { return nil }
            var counts: [TestExpectation.ConsumerCount: Int] = [:]
            for count in TestExpectation.ConsumerCount.allCases {
                if case .int(let value)? = node.value(forKey: count.rawValue)?.scalarValue { counts[count] = value }
            }
            var attempts: [String: [Duration]] = [:]
            for pair in node.value(forKey: "attempts")?.mapping ?? [] {
                guard let id = pair.key.scalar?.text else { continue }
                attempts[id] = (pair.value.sequence ?? []).compactMap { duration($0) }
            }
            return TestExpectation(
                location: node.location,
                kind: .consumer(consumer, counts: counts, attempts: attempts)
            )
        }
        if let topicNode = node.value(forKey: "topic"), let topic = text(topicNode) {
            references.append(Reference(kind: .topic, name: topic, node: topicNode))
            guard allowed(keys, TestFileSchema.topicKeys, in: node, kind: "topic") else { return nil }
            var count: Int?
            if case .int(let value)? = node.value(forKey: "count")?.scalarValue { count = value }
            let patterns = (node.value(forKey: "events")?.sequence ?? []).map(decodePattern)
            return TestExpectation(location: node.location, kind: .topic(topic, count: count, events: patterns))
        }
        if let log = node.value(forKey: "log"), let message = text(log.value(forKey: "message")) {
            guard allowed(keys, [], in: node, kind: "log") else { return nil }
            return TestExpectation(
                location: node.location,
                kind: .log(message: message, at: duration(log.value(forKey: "at")))
            )
        }
        return nil
    }

    /// Reports keys of another kind of expectation (`count` beside `consumer:`): a misplaced key would
    /// otherwise be a silent pass.
    private mutating func allowed(_ keys: Set<String>, _ own: Set<String>, in node: Node, kind: String) -> Bool {
        let others = keys.subtracting(own).subtracting([kind])
        // Keys that are no expectation's were reported by the schema check already.
        let known = Set(TestFileSchema.expectation.propertyNames)
        for pair in node.mapping ?? [] {
            guard let key = pair.key.scalar?.text, others.contains(key), known.contains(key) else { continue }
            diagnostics.append(
                .error(
                    .unknownKey,
                    "\"\(key)\" does not apply to a \(kind) expectation",
                    at: pair.key.location,
                    length: key.count,
                    hint: own.isEmpty
                        ? "a log expectation has only \"log:\" with message and at"
                        : "a \(kind) expectation takes: " + own.sorted().joined(separator: ", ")
                )
            )
        }
        return others.isEmpty
    }

    private func decodePattern(_ node: Node) -> EventPattern {
        var pattern = EventPattern(location: node.location)
        pattern.id = text(node.value(forKey: "id"))
        pattern.type = text(node.value(forKey: "type"))
        pattern.source = text(node.value(forKey: "source"))
        pattern.subject = text(node.value(forKey: "subject"))
        pattern.data = node.value(forKey: "data")?.scalarValue
        for pair in node.value(forKey: "ext")?.mapping ?? [] {
            if let name = pair.key.scalar?.text, let value = pair.value.scalarValue { pattern.extensions[name] = value }
        }
        return pattern
    }
}
