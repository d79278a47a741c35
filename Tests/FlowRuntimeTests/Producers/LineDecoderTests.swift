import FlowCore
import Testing

@testable import FlowRuntime

struct LineDecoderTests {
    let decoder = LineDecoder(producer: "import", type: nil)

    private func decode(_ line: String) throws(MalformedLineError) -> CloudEvent {
        var random = SeededRandom(seed: 1)
        return try decoder.decode(ArraySlice(line.utf8), random: &random, time: "2026-01-01T00:00:00.000Z")
    }

    @Test(
        arguments: [
            (#"{"a":1}"#, ["a": 1]), ("[1,2]", [1, 2]), ("\"text\"", "text"), ("3.5", 3.5), ("null", nil),
            ("true", true), (#"{"spec":"1.0"}"#, ["spec": "1.0"]),
        ] as [(String, Value)]
    )
    func anyOtherJSONValueIsBareData(line: String, data: Value) throws {
        let event = try decode(line)
        #expect(event.data == data)
        #expect(event.type == "flow.record")
        #expect(event.source == "flow/import")
        #expect(event.time == "2026-01-01T00:00:00.000Z")
    }

    @Test func aStructuredCloudEventKeepsItsAttributesAndExtensions() throws {
        let line =
            #"{"specversion":"1.0","id":"x","source":"s","type":"T","time":"2025-01-01T00:00:00Z","#
            + #""datacontenttype":"application/json","dataschema":"https://example.com/s","traceparent":"00-1","#
            + #""flowattempts":2,"data":[1]}"#
        let event = try decode(line)
        #expect(
            event
                == CloudEvent(
                    id: "x",
                    source: "s",
                    type: "T",
                    time: "2025-01-01T00:00:00Z",
                    data: [1],
                    extensions: ["traceparent": "00-1", "flowattempts": 2]
                )
        )
    }

    @Test(arguments: [
        ("{\"a\":", "invalid JSON: unexpected end of file during JSON parse"),
        ("nope", "invalid JSON: invalid value around character 1"),
        (
            #"{"specversion":"0.3","id":"x","source":"s","type":"T"}"#,
            #"unsupported specversion "0.3" (expected "1.0")"#
        ),
        (#"{"specversion":"1.0","source":"s","type":"T"}"#, #"cloudevent is missing required attribute "id""#),
        (#"{"specversion":"1.0","id":"x","type":"T"}"#, #"cloudevent is missing required attribute "source""#),
        (
            #"{"specversion":"1.0","id":"","source":"s","type":"T"}"#,
            #"attribute "id" must be a non-empty string, not """#
        ),
        (
            #"{"specversion":"1.0","id":7,"source":"s","type":"T"}"#,
            #"attribute "id" must be a non-empty string, not 7"#
        ),
        (
            #"{"specversion":"1.0","id":"x","source":"s","type":"T","subject":1}"#,
            #"attribute "subject" must be a string, not 1"#
        ),
        (
            #"{"specversion":"1.0","id":"x","source":"s","type":"T","data_base64":"AA=="}"#,
            #"attribute "data_base64" is not a valid extension name (lower-case letters and digits only)"#
        ),
    ])
    func aMalformedLineSaysWhatIsWrong(line: String, message: String) {
        #expect(throws: MalformedLineError(message)) { try decode(line) }
    }
}
