import FlowCore
import Foundation
import Testing

/// The examples under `examples/` as users run them: each `run.sh` starts its Python HTTP service on a free
/// 127.0.0.1 port, runs the real `flow` binary with `--until-idle`, and stops the service. Seeded runs are
/// deterministic, so the outcome counts are exact.
///
/// Every process is bounded: `flow` gets `--for 90s` on top of `--until-idle`, the services exit when
/// `run.sh` goes away, and `run.sh` itself is killed if it outlives the test's time limit.
struct ExampleTests {
    /// What one run of an example left behind.
    struct Run {
        var outcome: ChildProcess.Outcome
        var report: Value

        func consumer(_ name: String) -> Value? { FlowRunTests.consumer(report, name) }
        func published(_ topic: String) -> Value? { FlowRunTests.topic(report, topic)?["published"] }

        /// The JSON object that `run.sh` printed after `label: ` (the service's counters).
        func serviceStats(_ label: String) throws -> Value {
            let line = try #require(outcome.stdout.split(separator: "\n").first { $0.hasPrefix("\(label): ") })
            return try Value(json: Data(line.dropFirst(label.count + 2).utf8))
        }
    }

    /// Runs `examples/NAME/run.sh` with `--seed 1` and returns its outcome and the parsed report.
    static func run(_ name: String) throws -> Run {
        let report = FileManager.default.temporaryDirectory.appendingPathComponent(
            "flow-example-\(UUID().uuidString).json"
        )
        defer { try? FileManager.default.removeItem(at: report) }
        var environment = ProcessInfo.processInfo.environment
        environment["FLOW"] = try FlowBinaryTests.flowBinary().path
        let outcome = try ChildProcess.run(
            ChildProcess.packageRoot.appendingPathComponent("examples/\(name)/run.sh"),
            ["--seed", "1", "--report", report.path, "--log-level", "error", "--no-progress", "--for", "90s"],
            environment: environment,
            timeout: 120
        )
        return Run(outcome: outcome, report: try Value(json: Data(contentsOf: report)))
    }

    @Test func bothExamplePipelinesValidateCleanly() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["INVENTORY_URL"] = "http://127.0.0.1:1"
        environment["LEDGER_URL"] = "http://127.0.0.1:1"
        let outcome = try ChildProcess.run(
            try FlowBinaryTests.flowBinary(),
            ["validate", "--strict", "examples/ecommerce/pipeline.yml", "examples/ride-hailing/pipeline.yml"],
            environment: environment
        )
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout == "no problems in 2 files\n", "\(outcome)")
    }

    @Test func ecommercePaysReservesAndNotifiesAndDeadLettersDeclinedCards() throws {
        let run = try Self.run("ecommerce")
        #expect(run.outcome.status == 0, "\(run.outcome)")
        #expect(run.report["failed"] == false)
        let payment = try #require(run.consumer("payment"))
        // 23 cards over the limit are declined at once; orders 7, 57, 107 and 157 meet a gateway that stays
        // down (2 retries each); 13 more orders see one gateway timeout and pass on their second attempt.
        #expect(payment["processed"] == 173)
        #expect(payment["dead_lettered"] == 27)
        #expect(payment["retried"] == 21)
        #expect(payment["failed"] == 0)
        let inventory = try #require(run.consumer("inventory"))
        // 7 paid orders are for the discontinued sku-13 (409); 19 find the warehouse busy once (503).
        #expect(inventory["processed"] == 166)
        #expect(inventory["dead_lettered"] == 7)
        #expect(inventory["retried"] == 19)
        #expect(run.consumer("notify")?["processed"] == 166)
        #expect(run.published("orders.dlq") == 27)
        #expect(run.published("payments.dlq") == 7)
        #expect(run.consumer("payment-failures")?["processed"] == 27)
        #expect(run.consumer("fulfilment-failures")?["processed"] == 7)
        #expect(try run.serviceStats("inventory service") == ["reserved": 166, "busy": 19, "rejected": 7])
    }

    @Test func rideHailingRetriesSlowDriversKeepsEachRideInOrderAndDeadLettersTheUnserved() throws {
        let run = try Self.run("ride-hailing")
        #expect(run.outcome.status == 0, "\(run.outcome)")
        #expect(run.report["failed"] == false)
        let dispatch = try #require(run.consumer("dispatch"))
        // Rides 7, 27, 47, 67 and 87 time out once (5 retries); rides 50 and 100 time out three times
        // (2 retries each) and are dead-lettered.
        #expect(dispatch["processed"] == 98)
        #expect(dispatch["retried"] == 9)
        #expect(dispatch["dead_lettered"] == 2)
        #expect(run.consumer("trip")?["processed"] == 98)
        #expect(run.consumer("receipts")?["processed"] == 98)
        let ledger = try #require(run.consumer("ledger"))
        #expect(ledger["processed"] == 296)  // 100 requested, 98 assigned, 98 completed
        #expect(ledger["dead_lettered"] == 0)
        #expect(run.published("rides.dlq") == 2)
        #expect(run.consumer("unserved")?["processed"] == 2)
        #expect(
            try run.serviceStats("trip ledger")
                == ["RideRequested": 100, "DriverAssigned": 98, "RideCompleted": 98, "out_of_order": 0]
        )
    }
}
