import FlowCore
import FlowYAML
import Testing

/// `faults:` loads into resolved faults, and every way of getting one wrong is a diagnostic at its place.
struct FaultLoadingTests {
    static func text(_ faults: String) -> String {
        LoaderProbe.consumerText(steps: "- set: { data.seen: true }\n- fail: { when: data.n > 9 }\n- fail: {}")
            + "faults:\n" + faults
    }

    @Test func faultsResolveTheirStepAndKeepTheirEffect() throws {
        let result = LoaderProbe.load(
            Self.text(
                """
                  - { consumer: worker, step: set, error: gateway timeout, rate: 0.25 }
                  - { consumer: worker, step: "2", latency: 300ms, when: data.n > 1 }
                  - { consumer: worker, step: "3", status: 503 }

                """
            )
        )
        let pipeline = try #require(result.pipeline, "\(result.diagnostics)")
        #expect(pipeline.faults.map(\.step) == ["step 1 (set)", "step 2 (fail)", "step 3 (fail)"])
        #expect(
            pipeline.faults.map(\.effect) == [
                .error("gateway timeout", permanent: false), .latency(.milliseconds(300)), .status(503),
            ]
        )
        #expect(pipeline.faults.map(\.rate) == [0.25, 1, 1])
        #expect(pipeline.faults[1].when != nil)
    }

    @Test(
        arguments: [
            ("  - { consumer: wroker, step: set, error: x }\n", "invalid-value 14:17"),
            ("  - { consumer: worker, step: fail, error: x }\n", "invalid-value 14:31"),
            ("  - { consumer: worker, step: \"9\", error: x }\n", "invalid-value 14:31"),
            ("  - { consumer: worker, step: set, error: x, rate: 1.5 }\n", "invalid-value 14:52"),
            ("  - { consumer: worker, step: set }\n", "missing-key 14:5"),
            ("  - { consumer: worker, step: set, error: x, latency: 1s }\n", "invalid-value 14:46"),
            ("  - { consumer: worker, step: set, latency: soon }\n", "invalid-duration 14:45"),
        ]
    )
    func aWrongFaultIsReportedAtItsPlace(fault: String, finding: String) {
        let result = LoaderProbe.load(Self.text(fault))
        #expect(result.pipeline == nil)
        let errors = LoaderProbe.findings(result).filter { !$0.hasPrefix("unread-topic") }
        #expect(errors == [finding], "\(result.diagnostics)")
    }
}
