import FlowCore
import Foundation
import Testing

struct JSONWriterTests {
    @Test(arguments: [
        (Value.null, "null"),
        (.bool(true), "true"),
        (.int(-42), "-42"),
        (.double(15), "15.0"),
        (.double(0.25), "0.25"),
        (.double(.infinity), "null"),
        (.string("a\"b\\c\nd\re\tf\u{01}g"), #""a\"b\\c\nd\re\tf\u0001g""#),
        (.string("héllo ✓ 🎉"), "\"héllo ✓ 🎉\""),
        (Value.object(["b": 1, "a": [true, nil, "x"], "c": [:]]), #"{"a":[true,null,"x"],"b":1,"c":{}}"#),
    ])
    func compactJSONHasSortedKeysAndEscapedStrings(value: Value, json: String) throws {
        #expect(value.jsonString == json)
        #expect(try Value(json: Array(json.utf8)) == value || !value.isFiniteNumber)
    }

    @Test(arguments: [0, 7, -1, 10, 1_234_567_890, Int.max, Int.min])
    func integersAreWrittenAsSwiftPrintsThem(number: Int) {
        #expect(Value.int(number).jsonString == String(number))
    }

    @Test func prettyJSONIndentsByTwoSpaces() {
        let value: Value = ["z": [1, 2], "a": "x", "e": [:]]
        #expect(value.prettyJSONString == "{\n  \"a\": \"x\",\n  \"e\": {},\n  \"z\": [\n    1,\n    2\n  ]\n}")
    }

    @Test(arguments: [
        CloudEvent(id: "e1", source: "s", type: "T", data: ["n": 1]),
        CloudEvent(
            id: "e\"2",
            source: "tests",
            type: "OrderCreated",
            subject: "orders/1",
            time: "2026-11-30T03:00:00.000Z",
            datacontenttype: "application/json",
            data: ["customer": "c7", "lines": [["sku": "a", "qty": 2]]],
            extensions: ["aaa": "first", "partitionkey": "k1", "flowattempts": 2, "zz": nil]
        ),
        // Outside the invariant (extensions named like attributes), as a hand-built event may be: the stored
        // attribute wins, an absent one shows the extension, never a name twice.
        CloudEvent(
            id: "e3",
            source: "s",
            type: "T",
            subject: nil,
            datacontenttype: nil,
            data: 1,
            extensions: ["subject": "from-ext", "id": "shadowed", "data": "shadowed", "dataschema": "urn:x"]
        ),
    ])
    func anEventWritesTheSameBytesAsItsJSONObject(event: CloudEvent) throws {
        #expect(String(decoding: event.jsonBytes, as: UTF8.self) == event.jsonObject.jsonString)
        #expect(try Value(json: event.jsonBytes) == event.jsonObject)
    }
}

extension Value {
    /// False for a double that JSON cannot hold (written as null).
    fileprivate var isFiniteNumber: Bool {
        if case .double(let number) = self { return number.isFinite }
        return true
    }
}
