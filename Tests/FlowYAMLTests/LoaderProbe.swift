import FlowCore
import FlowYAML
import Testing

/// Loads pipeline text for the loader tests and takes the model apart so assertions read field by field.
enum LoaderProbe {
    /// Loads `text` as `pipelines/p.yml` with `environment`.
    static func load(
        _ text: String,
        file: String = "pipelines/p.yml",
        environment: [String: String] = [:],
        swiftHandlers: Set<String>? = nil
    ) -> PipelineLoader.Result {
        PipelineLoader(options: LoaderOptions(environment: environment, swiftHandlers: swiftHandlers))
            .load(text: text, file: file)
    }

    /// `rule line:col` of every diagnostic, in display order.
    static func findings(_ result: PipelineLoader.Result) -> [String] {
        result.diagnostics.map { "\($0.rule.id) \($0.location.line):\($0.location.column)" }
    }

    /// A pipeline with topics `orders`, `invoices` and `reviews` and one `worker` consumer reading `orders`
    /// whose `steps:` list is `steps`, written flush left (each line is indented here).
    static func consumerText(steps: String) -> String {
        let indented = steps.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }
        return """
            version: 1
            topics:
              orders: {}
              invoices: {}
              reviews: {}
            consumers:
              worker:
                from: orders
                steps:

            """ + indented.joined(separator: "\n") + "\n"
    }

    /// The steps of the only consumer of `text`, which must load without error.
    static func steps(_ text: String, swiftHandlers: Set<String>? = nil) throws -> [Step] {
        let result = load(text, swiftHandlers: swiftHandlers)
        #expect(!result.diagnostics.hasErrors, "\(result.diagnostics)")
        let pipeline = try #require(result.pipeline)
        return try #require(pipeline.consumers.first).steps
    }

    /// A value template as comparable text: `literal(<json>)`, `template(<source>)`, `[...]`, `{k: ...}` sorted.
    static func describe(_ template: Pipeline.ValueTemplate?) -> String {
        switch template {
        case nil: "nil"
        case .literal(let value)?: "literal(\(value.description))"
        case .template(let template)?: "template(\(template.source))"
        case .array(let items)?: "[" + items.map { describe($0) }.joined(separator: ", ") + "]"
        case .object(let fields)?:
            "{"
                + fields.sorted { $0.key < $1.key }.map { "\($0.key): \(describe($0.value))" }
                .joined(separator: ", ") + "}"
        }
    }

    /// `line:col` of a location.
    static func at(_ location: FlowCore.SourceLocation) -> String {
        "\(location.line):\(location.column)"
    }
}

/// Test-only views of a step's kind, so a test can `#require` the case it expects.
extension Step.Kind {
    var log: Step.Log? {
        if case .log(let log) = self { return log }
        return nil
    }

    var assignments: [Step.Assignment]? {
        if case .set(let assignments) = self { return assignments }
        return nil
    }

    var filter: Expression? {
        if case .filter(let expression) = self { return expression }
        return nil
    }

    var emit: Step.Emit? {
        if case .emit(let emit) = self { return emit }
        return nil
    }

    var route: [Step.RouteCase]? {
        if case .route(let cases) = self { return cases }
        return nil
    }

    var delay: Duration? {
        if case .delay(let duration) = self { return duration }
        return nil
    }

    var fail: Step.Fail? {
        if case .fail(let fail) = self { return fail }
        return nil
    }

    /// `.some(nil)` for an unconditional drop; nil when the step is not a drop.
    var drop: Expression?? {
        if case .drop(let when) = self { return .some(when) }
        return nil
    }

    var exec: Step.Exec? {
        if case .exec(let exec) = self { return exec }
        return nil
    }

    var http: Step.HTTP? {
        if case .http(let http) = self { return http }
        return nil
    }

    var swiftHandler: String? {
        if case .swift(let name) = self { return name }
        return nil
    }
}

/// Test-only views of a producer's source.
extension Pipeline.Producer.Source {
    var generate: Pipeline.Producer.Generate? {
        if case .generate(let generate) = self { return generate }
        return nil
    }

    /// `path` and `type` of a `file:` source.
    var file: (path: String, type: String?)? {
        if case .file(let path, let type) = self { return (path, type) }
        return nil
    }

    /// `.some(type)` for a `stdin:` source; nil otherwise.
    var stdin: String?? {
        if case .stdin(let type) = self { return .some(type) }
        return nil
    }
}
