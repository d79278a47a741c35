extension Template { public var constantValue: Value? { source.contains("${") ? nil : .string(source) } }
