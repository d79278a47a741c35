import Foundation
import Testing

@testable import FlowCore

/// `Value(json:)`: strict RFC 8259, integers kept as integers, every rejection with a byte offset.
struct JSONParserTests {
    @Test(arguments: [
        (
            #"{"a": [1, -2, 3.5, 1e3, true, false, null], "b": {}}"#,
            Value.object(["a": [1, -2, 3.5, 1000.0, true, false, nil], "b": .object([:])])
        ),
        (#"  "x\"\\\/\b\f\n\r\t"  "#, Value.string("x\"\\/\u{8}\u{c}\n\r\t")),
        (#""\u00e9\u20AC\ud83d\ude00""#, Value.string("é€😀")),
        (#""café""#, Value.string("café")),
        ("[]", Value.array([])),
        ("0", Value.int(0)),
        ("-0.0", Value.double(-0.0)),
        ("123456789012345678901234567890", Value.double(123_456_789_012_345_678_901_234_567_890.0)),
    ])
    func parsesValidJSON(text: String, expected: Value) throws {
        #expect(try Value(json: Data(text.utf8)) == expected)
    }

    @Test(arguments: [
        ("", 0), ("{", 1), ("[1,]", 3), ("{\"a\" 1}", 5), ("01", 1), ("1.", 2), ("1e", 2), ("\"abc", 4),
        ("\"\\x\"", 3), ("\"\\ud800\"", 7), ("tru", 0), ("[1] x", 4), ("\"a\nb\"", 2), ("-", 1),
    ])
    func rejectsInvalidJSONWithTheOffset(text: String, offset: Int) {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
        do {
            _ = try JSONParser.parse(Array(text.utf8))
        } catch {
            #expect(error.offset == offset, "\(text): \(error)")
        }
    }

    @Test func deepNestingIsRejectedNotOverflowed() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: JSONParser.Failure.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
    }

    @Test func whatItWritesItReadsBack() throws {
        let value: Value = ["s": "line\nbreak \"quoted\" \u{1}", "n": [1, 2.5, -3], "o": ["k": nil, "t": true]]
        #expect(try Value(json: Data(value.jsonString.utf8)) == value)
    }
}
