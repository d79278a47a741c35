// A Swift service embedding flow: it registers two handlers and runs pipeline.yml with them.
//   swift run swift-handler-example examples/swift-handlers/pipeline.yml
import FlowService
import Foundation

var engine = FlowEngine()

engine.handlers.register("price") { event, _ in
    var priced = event
    let quantity = event.data["quantity"]?.number ?? 0
    priced.data = event.data.setting(.double(quantity * 2.5), at: ["total"])
    return priced
}

engine.handlers.register("ship") { event, context in
    guard let total = event.data["total"]?.number, total > 0 else {
        throw SwiftHandlerFailure.permanent("order \(event.id) has no total")
    }
    var shipped = event
    shipped.type = "OrderShipped"
    context.emit(shipped, to: "shipments")
    return event
}

let file = CommandLine.arguments.dropFirst().first ?? "examples/swift-handlers/pipeline.yml"
do {
    let summary = try await engine.run(file: file)
    print("processed \(summary.processed) events; failed: \(summary.failed)")
    for topic in summary.topics { print("\(topic.name): \(topic.published)") }
    if summary.failed { exit(1) }
} catch {
    print("error: \(error)")
    exit(1)
}
