import FlowCore
import Testing

/// `retry-outlasts-grace` warns only where an event given up at shutdown is lost: on the memory broker.
struct RetryOutlastsGraceTests {
    /// A consumer that can spend 18s on one event (3 × 5s plus 3s of backoff) on `broker`.
    static func pipeline(broker: String) -> String {
        """
        version: 1
        broker: "\(broker)"
        topics:
          orders: {}
          orders.dlq: {}
        consumers:
          billing:
            from: orders
            timeout: 5s
            retry: { max_attempts: 3, backoff: linear, initial: 1s }
            dead_letter: orders.dlq
            steps:
              - log: "order ${id}"
        """
    }

    @Test(arguments: [
        ("memory:", ["retry-outlasts-grace 10:5"]),
        ("sqlite:state/orders.db", []),
        ("redis://127.0.0.1:6379/0?lease=30s", []),
    ])
    func warnsOnlyWhereTheEventWouldBeLost(broker: String, expected: [String]) {
        let result = LoaderProbe.load(Self.pipeline(broker: broker))
        #expect(result.pipeline != nil, "\(result.diagnostics)")
        #expect(LoaderProbe.findings(result) == expected)
    }
}
