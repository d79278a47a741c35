import FlowCore
import Testing

struct SeededRandomTests {
    @Test(arguments: [
        (UInt64(42), ["956eeb2f-2632-47bd-83f1-66b233e3ef28", "529f0f13-5767-4247-94e3-4a0effe11c58"]),
        (UInt64(0), ["afcd1d7b-39a8-40e2-b465-b9a16a9e786e"]),
    ])
    func uuidsRepeatUnderASeed(seed: UInt64, expected: [String]) {
        var random = SeededRandom(seed: seed)
        #expect(expected.map { _ in random.uuid() } == expected)
    }

    @Test func uuidIsAVersionFourVariantOneUUID() {
        var random = SeededRandom(seed: 7)
        for _ in 0..<1000 {
            let uuid = Array(random.uuid().utf8)
            #expect(uuid.count == 36)
            #expect([8, 13, 18, 23].allSatisfy { uuid[$0] == UInt8(ascii: "-") })
            #expect(uuid[14] == UInt8(ascii: "4"))
            #expect([UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(uuid[19]))
        }
    }
}
