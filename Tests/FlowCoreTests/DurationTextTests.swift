import FlowCore
import Foundation
import Testing

/// `DurationText`: what users write parses, and what flow prints parses back to the same duration.
struct DurationTextTests {
    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)),
        ("1.5s", .milliseconds(1500)),
        ("2m", .seconds(120)),
        ("1h", .seconds(3600)),
        ("0s", .zero),
        ("1m30s", .seconds(90)),
        ("1h2m3.5s", .milliseconds(3_723_500)),
        ("2m500ms", .milliseconds(120_500)),
        ("10us", .microseconds(10)),
        (" 5ms ", .milliseconds(5)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test(arguments: ["", "5", "-1s", "1 s", "1m 30s", "1x", "s", "1.5.5s", "1m30", "1e3s", "٣s", ".5s", "5.s"])
    func refuses(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test(arguments: [
        (Duration.milliseconds(250), "250ms"),
        (.microseconds(500), "0.5ms"),
        (.milliseconds(1500), "1.5s"),
        (.seconds(2), "2s"),
        (.seconds(65), "1m5s"),
        (.seconds(102), "1m42s"),
        (.seconds(5400), "1h30m"),
        (.milliseconds(3_723_500), "1h2m3.5s"),
        (.milliseconds(120_500), "2m0.5s"),
        (.seconds(7200), "2h"),
        (.zero, "0s"),
    ])
    func formatsAndReadsBack(duration: Duration, expected: String) {
        let text = DurationText.format(duration)
        #expect(text == expected)
        #expect(DurationText.parse(text) == duration)
    }

    /// The JSON Schema's `pattern` accepts exactly what `parse` does (surrounding spaces aside).
    @Test(arguments: ["250ms", "1.5s", "1h2m3.5s", "2m500ms", "10us", "", "5", "-1s", "1m 30s", "1x", ".5s", "5.s"])
    func thePatternAgreesWithParse(text: String) throws {
        let regex = try NSRegularExpression(pattern: "^\(DurationText.pattern)$")
        let range = NSRange(text.startIndex..., in: text)
        #expect((regex.firstMatch(in: text, range: range) != nil) == (DurationText.parse(text) != nil))
    }
}
