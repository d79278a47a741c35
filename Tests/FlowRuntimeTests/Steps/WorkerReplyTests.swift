import FlowCore
import Testing

@testable import FlowRuntime

struct WorkerReplyTests {
    private func reply(_ line: String) throws -> WorkerReply {
        try WorkerReply(line: Array(line.utf8))
    }

    private func invalid(_ line: String) -> String? {
        do {
            _ = try reply(line)
            return nil
        } catch {
            return (error as? WorkerReply.Invalid)?.message
        }
    }

    @Test(arguments: [
        (#"{"id":"1","status":"ok"}"#, ExecOutcome.reply(data: nil, emissions: [])),
        (#"{"id":"1","status":"ok","data":{"x":1}}"#, .reply(data: ["x": 1], emissions: [])),
        (#"{"id":"1","status":"ok","data":null,"events":null}"#, .reply(data: .null, emissions: [])),
        (#"{"id":"1","status":"retry","error":"card declined"}"#, .failure(message: "card declined", permanent: false)),
        (#"{"id":"1","status":"retry","error":null}"#, .failure(message: "worker replied retry", permanent: false)),
        (#"{"id":"1","status":"fail","error":"no such card"}"#, .failure(message: "no such card", permanent: true)),
        (#"{"id":"1","status":"fail","error":{"code":7}}"#, .failure(message: #"{"code":7}"#, permanent: true)),
        (#"{"id":"1","status":"fail"}"#, .failure(message: "worker replied fail", permanent: true)),
    ])
    func theStatusDecidesTheOutcome(line: String, expected: ExecOutcome) throws {
        let decoded = try reply(line)
        #expect(decoded.id == "1")
        #expect(decoded.outcome == expected)
    }

    @Test func eventsAreEmissionsWithOptionalTypeDataAndKey() throws {
        let line = #"{"id":"9","status":"ok","events":[{"to":"a"},{"to":"b","type":"T","data":[1],"key":null}]}"#
        let expected = ExecOutcome.reply(
            data: nil,
            emissions: [.init(topic: "a"), .init(topic: "b", type: "T", data: [1], key: .some(nil))]
        )
        #expect(try reply(line).outcome == expected)
    }

    @Test(arguments: [
        (#"{"id":"1","status":"ok","events":[{"to":"a"},{"type":"T"}]}"#, "worker reply event 2 has no \"to\" topic"),
        (#"{"id":"1","status":"ok","events":{"to":"a"}}"#, "worker reply \"events\" is map, not a list"),
    ])
    func malformedEventsFailThatRequestPermanently(line: String, message: String) throws {
        #expect(try reply(line).outcome == .failure(message: message, permanent: true))
    }

    @Test(arguments: [
        ("hello there", "worker wrote invalid JSON: hello there"),
        ("[1,2]", "worker wrote a JSON list, not a reply object: [1,2]"),
        (#"{"status":"ok"}"#, #"worker reply has no string "id": {"status":"ok"}"#),
        (#"{"id":1,"status":"ok"}"#, #"worker reply has no string "id": {"id":1,"status":"ok"}"#),
        (#"{"id":"1"}"#, #"worker reply has no "status" of ok, retry or fail: {"id":"1"}"#),
        (
            #"{"id":"1","status":"done"}"#,
            #"worker reply has no "status" of ok, retry or fail: {"id":"1","status":"done"}"#
        ),
    ])
    func aLineThatIsNotAReplyIsInvalid(line: String, message: String) {
        #expect(invalid(line) == message)
    }

    @Test func anInvalidLineIsQuotedUpTo200Bytes() {
        let message = invalid(String(repeating: "x", count: 500))
        #expect(message == "worker wrote invalid JSON: " + String(repeating: "x", count: 200))
    }

    @Test func theRequestIsOneLineWithTheIdAndTheStructuredEvent() throws {
        let event = CloudEvent(id: "e1", source: "s", type: "T", data: ["n": 1])
        let bytes = WorkerReply.request(id: "12", event: event)
        #expect(bytes.last == 0x0A)
        #expect(bytes.dropLast().contains(0x0A) == false)
        let value = try Value(json: bytes)
        #expect(value["id"] == "12")
        #expect(value["event"] == event.jsonObject)
    }
}
