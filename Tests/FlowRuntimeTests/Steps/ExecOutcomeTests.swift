import FlowCore
import Testing

@testable import FlowRuntime

struct ExecOutcomeTests {
    private func outcome(_ stdout: String, status: ExecOutcome.Ending.Status = .exited(0)) -> ExecOutcome {
        ExecOutcome(ExecOutcome.Ending(status: status, stdout: Array(stdout.utf8)), permanentExitCodes: [])
    }

    @Test(arguments: ["", "  \n", "\t\r\n"])
    func blankStdoutLeavesTheEventUnchanged(stdout: String) {
        #expect(outcome(stdout) == .unchanged)
    }

    @Test func itemsMayOmitTypeAndDataAndSetAnExplicitNullKey() {
        let expected = ExecOutcome.emit([
            .init(topic: "a"),
            .init(topic: "b", type: "T", data: ["x": 1], key: .some(nil)),
            .init(topic: "c", key: .some("7")),
        ])
        let stdout = #"[{"to":"a"},{"to":"b","type":"T","data":{"x":1},"key":null},{"to":"c","key":7}]"#
        #expect(outcome(stdout) == expected)
    }

    @Test(arguments: [
        (#"[1]"#, "handler output item 1 is int, not an object"),
        (#"[{"to":""}]"#, "handler output item 1 has no \"to\" topic"),
        (
            #"[{"to":"a"},{"to":"b","type":3}]"#,
            "handler output item 2 has a \"type\" that is not a non-empty string: 3"
        ),
        (#"[{"to":"a","key":[1]}]"#, "handler output item 1 has a \"key\" that is a list or map"),
        (
            #""text""#,
            "handler wrote a JSON string on stdout; expected an object (new data) or an array (events to emit)"
        ),
    ])
    func malformedOutputIsAPermanentFailure(stdout: String, message: String) {
        #expect(outcome(stdout) == .failure(message: message, permanent: true))
    }

    @Test func anInvalidJSONExcerptIsCutAt200Characters() {
        let result = outcome(String(repeating: "z", count: 500))
        #expect(
            result
                == .failure(
                    message: "handler wrote invalid JSON on stdout: " + String(repeating: "z", count: 200),
                    permanent: true
                )
        )
    }

    @Test func aTimeoutWinsOverTheExitStatus() {
        var ending = ExecOutcome.Ending(status: .signaled(15), stdout: [])
        ending.timedOut = .milliseconds(1500)
        #expect(
            ExecOutcome(ending, permanentExitCodes: [])
                == .failure(message: "exec timed out after 1.5s; its process group was killed", permanent: false)
        )
    }
}
