import Testing

@testable import FlowCore

struct ExpressionFuzzTests {
    private static let pieces = [
        "type", "data", ".", "amount", "items", "[", "]", "(", ")", "{", "}", "\"a\"", "'b'", "\"", "'", "\\", "1", "0",
        "2.5", "2e3", "9223372036854775807", "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "!",
        "?", ":", ",", "in", "true", "false", "null", "size", "lower", "matches", "has", "default", "random_int",
        "uuid()", "now()", "seq()", "env.HOME", "env", "ext", "ext.region", "attempt", "subject", "${", "$${", "$",
        ":-", " ", "é", "😀", "\n",
    ]

    /// Text assembled from the language's own tokens, so it often gets deep into the parser and checker.
    private static func tokenText(_ random: inout SeededRandom) -> String {
        let count = Int(random.next() % 16)
        return (0..<count).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
    }

    /// Arbitrary bytes decoded as UTF-8 (invalid sequences become U+FFFD).
    private static func byteText(_ random: inout SeededRandom) -> String {
        let bytes = (0..<Int(random.next() % 24)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func randomInputNeverCrashesAndErrorsPointInsideTheText() throws {
        var random = SeededRandom(seed: 20_240_501)
        let scopes: [ExpressionScope] = [.consumer, .producer, .partitionKey]
        var parsed = 0
        for round in 0..<3000 {
            let text = round % 3 == 2 ? Self.byteText(&random) : Self.tokenText(&random)
            let scope = scopes[round % scopes.count]
            let length = text.unicodeScalars.count
            var context = ExpressionFixture.context(seed: UInt64(round))
            do {
                let expression = try Expression.parse(text, scope: scope, environment: ["HOME": "/root"])
                parsed += 1
                _ = try? expression.evaluate(&context)
            } catch {
                #expect((0...length).contains(error.offset), "expression \(text.debugDescription): \(error)")
                #expect(error.length >= 0)
            }
            do {
                let template = try Template.parse(text, scope: scope, environment: ["HOME": "/root"])
                _ = try? template.render(&context)
            } catch {
                #expect((0...length).contains(error.offset), "template \(text.debugDescription): \(error)")
            }
        }
        #expect(parsed > 20)
    }
}
