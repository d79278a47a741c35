import FlowService
import FlowTesting
import Foundation
import Testing

/// `swift:` steps call handlers a Swift program registered, under the same delivery contract as every step.
struct SwiftHandlerTests {
    static let yaml = """
        version: 1
        topics:
          orders: { key: data.customer }
          orders.dlq: {}
          receipts: {}
        consumers:
          billing:
            from: orders
            retry: { max_attempts: 3, backoff: constant, initial: 10ms }
            dead_letter: orders.dlq
            steps:
              - swift: charge
              - log: "charged ${data.amount} to ${data.customer}"
          mailer:
            from: receipts
            steps:
              - log: "receipt for ${data.customer}"
        """

    static func order(_ id: String, amount: Int) -> CloudEvent {
        CloudEvent(id: id, source: "test", type: "Order", data: ["customer": "c1", "amount": .int(amount)])
    }

    static var handlers: SwiftHandlerRegistry {
        var handlers = SwiftHandlerRegistry()
        handlers.register("charge") { event, context in
            let amount = event.data["amount"]?.number ?? 0
            if amount < 0 { throw SwiftHandlerFailure.permanent("negative amount") }
            if amount == 13, context.attempt < 3 { throw SwiftHandlerFailure.retryable("gateway busy") }
            var charged = event
            charged.data = event.data.setting(.bool(true), at: ["charged"])
            var receipt = charged
            receipt.id = "receipt-" + event.id
            context.emit(receipt, to: "receipts")
            return charged
        }
        return handlers
    }

    @Test func aHandlerChangesTheEventAndEmitsOthers() async throws {
        let harness = try await PipelineHarness.start(yaml: Self.yaml, swiftHandlers: Self.handlers)
        try await harness.publish([Self.order("o1", amount: 20)], to: "orders")
        let summary = try await harness.runUntilIdle()
        #expect(summary.consumers.map(\.stats.processed) == [1, 1])
        #expect(harness.logs.entries("charged 20 to c1").count == 1)
        #expect(try await harness.events(of: "receipts").isEmpty)
        #expect(summary.topics.first { $0.name == "receipts" }?.published == 1)
    }

    @Test func thrownFailuresFollowTheRetryPolicy() async throws {
        let harness = try await PipelineHarness.start(yaml: Self.yaml, swiftHandlers: Self.handlers)
        try await harness.publish([Self.order("busy", amount: 13), Self.order("bad", amount: -1)], to: "orders")
        let summary = try await harness.runUntilIdle()
        let billing = try #require(summary.consumers.first { $0.name == "billing" })
        #expect(billing.stats.retried == 2)
        #expect(billing.stats.processed == 1)
        #expect(billing.stats.deadLettered == 1)
        let letters = try await harness.events(of: "orders.dlq")
        #expect(letters.map(\.id) == ["bad"])
        #expect(letters.first?.extensions["flowerror"] == "step 1 (swift): negative amount")
    }

    @Test func anUnregisteredHandlerIsAValidationError() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("flow-swift-\(UUID().uuidString).yml")
        try Self.yaml.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var engine = FlowEngine(environment: [:])
        engine.handlers.register("charg") { event, _ in event }
        let diagnostics = engine.validate(file: file.path)
        #expect(diagnostics.map(\.rule) == [.unknownHandler])
        #expect(diagnostics.first?.message == "swift handler \"charge\" is not registered")
        #expect(diagnostics.first?.hint == "did you mean \"charg\"?")
        engine.handlers = Self.handlers
        #expect(engine.validate(file: file.path).isEmpty)
    }
}
