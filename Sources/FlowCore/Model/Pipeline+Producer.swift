extension Pipeline {
    /// A source of events writing to one topic.
    public struct Producer: Sendable {
        public var name: String
        public var to: String
        public var source: Source
        /// Where malformed input lines go; without it a malformed line makes the run exit 1.
        public var deadLetter: String?
        public var location: SourceLocation

        public init(name: String, to: String, source: Source, deadLetter: String? = nil, location: SourceLocation) {
            self.name = name
            self.to = to
            self.source = source
            self.deadLetter = deadLetter
            self.location = location
        }

        /// Where a producer's events come from.
        public enum Source: Sendable {
            case generate(Generate)
            /// JSON lines: each line a CloudEvent, or bare data wrapped with `type`.
            case file(path: String, type: String?)
            case stdin(type: String?)
            /// An HTTP endpoint accepting CloudEvents (structured or binary mode) by POST on `path`, bound to
            /// `listen` (`host:port`, validated by the loader); it never finishes on its own.
            case http(listen: String, path: String)
        }

        /// The host and port of an `http` source's `listen` text (`127.0.0.1:8080`, `localhost:0`, `[::1]:9000`);
        /// nil unless the host is non-empty (without spaces or `/`) and the port is a whole number in 0...65535.
        public static func listenAddress(_ text: String) -> (host: String, port: Int)? {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            var host = String(text[..<colon])
            let portText = text[text.index(after: colon)...]
            if host.hasPrefix("[") && host.hasSuffix("]") && host.count > 2 {
                host = String(host.dropFirst().dropLast())
            } else if host.contains(":") {
                return nil
            }
            guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }),
                !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber),
                portText.count <= 5, let port = Int(portText), port <= 65535
            else { return nil }
            return (host, port)
        }

        /// `generate:` — `count` events (nil: unbounded) at `rate` (nil: as fast as the broker takes them).
        public struct Generate: Sendable {
            public var count: Int?
            public var rate: Rate?
            public var event: EventTemplate

            public init(count: Int?, rate: Rate?, event: EventTemplate) {
                self.count = count
                self.rate = rate
                self.event = event
            }
        }
    }

    /// The shape of generated or emitted events: attribute templates plus a data template tree.
    public struct EventTemplate: Sendable {
        public var type: Template
        public var source: Template?
        public var subject: Template?
        public var data: ValueTemplate
        public var extensions: [String: Template]

        public init(
            type: Template,
            source: Template? = nil,
            subject: Template? = nil,
            data: ValueTemplate = .literal(.null),
            extensions: [String: Template] = [:]
        ) {
            self.type = type
            self.source = source
            self.subject = subject
            self.data = data
            self.extensions = extensions
        }
    }

    /// A YAML value tree whose string leaves may be templates.
    public indirect enum ValueTemplate: Sendable {
        case literal(Value)
        case template(Template)
        case array([ValueTemplate])
        case object([String: ValueTemplate])
    }
}
