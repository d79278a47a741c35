import FlowCore
import Testing

@testable import FlowRuntime

struct ConsumerConfigurationTests {
    @Test func pipelineConsumerPolicyIsCarriedOver() {
        let consumer = Pipeline.Consumer(
            name: "payment-service",
            from: "orders",
            group: "payments",
            concurrency: 4,
            steps: [],
            timeout: .seconds(2),
            retry: RetryPolicy(maxAttempts: 5, jitter: .full),
            deadLetter: "orders.dlq",
            circuitBreaker: CircuitBreakerPolicy(failures: 5, openFor: .seconds(30)),
            location: SourceLocation(file: "orders.yml", line: 12, column: 3)
        )
        let configuration = ConsumerConfiguration(consumer)
        #expect(configuration.name == "payment-service")
        #expect(configuration.topic == "orders")
        #expect(configuration.group == "payments")
        #expect(configuration.member == "payment-service")
        #expect(configuration.concurrency == 4)
        #expect(configuration.timeout == .seconds(2))
        #expect(configuration.retry == RetryPolicy(maxAttempts: 5, jitter: .full))
        #expect(configuration.deadLetter == "orders.dlq")
        #expect(configuration.circuitBreaker == CircuitBreakerPolicy(failures: 5, openFor: .seconds(30)))
        #expect(configuration.window == ConsumerConfiguration.defaultWindow)
    }

    @Test func windowNeverFallsBelowConcurrency() {
        let configuration = ConsumerConfiguration(name: "c", topic: "t", concurrency: 64, window: 8)
        #expect(configuration.window == 64)
        #expect(configuration.group == "c")
    }
}
