import FlowCore

/// Loading, pass 2: builds the `Pipeline` model from a node tree and checks what needs several values at
/// once (retry bounds, route defaults, topic references).
///
/// It tolerates every shape pass 1 already reported: a value that does not read is skipped, never reported
/// twice, so the decoder's own checks still run on the rest of the file.
struct PipelineDecoder {
    let reader: ScalarReader
    let file: String
    let swiftHandlers: Set<String>?
    var diagnostics: [Diagnostic] = []
    var references: [TopicReference] = []
    /// Per consumer, where each of its keys is written (an inherited key points into `defaults:`).
    var consumerKeys: [String: [String: SourceLocation]] = [:]

    init(environment: [String: String], file: String, swiftHandlers: Set<String>?) {
        reader = ScalarReader(environment: environment)
        self.file = file
        self.swiftHandlers = swiftHandlers
    }

    mutating func decode(_ root: Node) -> Pipeline {
        let version = root.value(forKey: "version").flatMap { try? reader.integer($0, key: "", in: 1...1).get() }
        let defaultName = Self.fileStem(file)
        let name = root.value(forKey: "name").flatMap { try? reader.text($0).get() } ?? defaultName
        let broker = root.value(forKey: "broker").flatMap { decodeBroker($0) } ?? .memory
        var pipeline = Pipeline(version: version ?? 1, name: name, broker: broker, location: root.location)
        for pair in root.value(forKey: "topics")?.mapping ?? [] {
            guard let topicName = pair.key.scalar?.text else { continue }
            pipeline.topics.append(decodeTopic(topicName, pair.value, at: pair.key.location))
        }
        for pair in root.value(forKey: "producers")?.mapping ?? [] {
            guard let producerName = pair.key.scalar?.text else { continue }
            if let producer = decodeProducer(producerName, pair.value, at: pair.key.location) {
                pipeline.producers.append(producer)
            }
        }
        let defaults = root.value(forKey: "defaults")
        for pair in root.value(forKey: "consumers")?.mapping ?? [] {
            guard let consumerName = pair.key.scalar?.text else { continue }
            let merged = Self.merge(pair.value, over: defaults)
            if let consumer = decodeConsumer(consumerName, merged, at: pair.key.location) {
                pipeline.consumers.append(consumer)
            }
        }
        pipeline.faults = decodeFaults(root.value(forKey: "faults"), consumers: pipeline.consumers)
        return pipeline
    }

    /// The `broker:` URL; a malformed one is reported under `broker-url` (an unreadable string already was).
    private mutating func decodeBroker(_ node: Node) -> BrokerURL? {
        guard let text = try? reader.text(node).get() else { return nil }
        switch BrokerURL.parse(text) {
        case .success(let url): return url
        case .failure(let error):
            let length = ScalarReader.rawText(node)?.count ?? 1
            diagnostics.append(
                .error(.brokerURL, error.message, at: node.location, length: length, hint: BrokerURL.hint)
            )
            return nil
        }
    }

    private mutating func decodeTopic(_ name: String, _ node: Node, at location: SourceLocation) -> Pipeline.Topic {
        var topic = Pipeline.Topic(name: name, location: location)
        if let partitions = node.value(forKey: "partitions") {
            topic.partitions = (try? reader.integer(partitions, key: "", in: 1...1024).get()) ?? 1
        }
        if let capacity = node.value(forKey: "capacity") {
            topic.capacity = (try? reader.integer(capacity, key: "", in: 1...1_000_000).get()) ?? topic.capacity
        }
        topic.key = node.value(forKey: "key").flatMap { try? reader.expression($0, scope: .partitionKey).get() }
        return topic
    }

    /// The consumer's node with `defaults:` filled in: absent keys are inherited whole, and the keys of
    /// `retry` and `circuit_breaker` are inherited one by one.
    static func merge(_ node: Node, over defaults: Node?) -> Node {
        guard let defaultPairs = defaults?.mapping, let pairs = node.mapping else { return node }
        var merged = pairs
        for inherited in defaultPairs {
            guard let key = inherited.key.scalar?.text else { continue }
            if let index = merged.firstIndex(where: { $0.key.scalar?.text == key }) {
                if let own = merged[index].value.mapping, let base = inherited.value.mapping {
                    let ownKeys = Set(own.compactMap { $0.key.scalar?.text })
                    let value = Node(
                        .mapping(own + base.filter { !ownKeys.contains($0.key.scalar?.text ?? "") }),
                        location: merged[index].value.location
                    )
                    merged[index] = Node.Pair(key: merged[index].key, value: value)
                }
            } else {
                merged.append(inherited)
            }
        }
        return Node(.mapping(merged), location: node.location, tag: node.tag)
    }

    mutating func reference(_ node: Node?, role: TopicReference.Role, owner: String) -> String? {
        guard let node, let name = ScalarReader.rawText(node) else { return nil }
        references.append(TopicReference(topic: name, role: role, owner: owner, location: node.location))
        return name
    }

    /// `pipelines/orders.yml` → `orders`.
    static func fileStem(_ path: String) -> String {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        for suffix in [".yml", ".yaml"] where base.hasSuffix(suffix) {
            return String(base.dropLast(suffix.count))
        }
        return base
    }
}
