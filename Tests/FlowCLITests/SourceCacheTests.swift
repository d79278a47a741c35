import FlowCLI
import Testing

struct SourceCacheTests {
    @Test(arguments: [
        ("a\nb\nc", ["a", "b", "c"]),
        ("a\r\nb\r\nc", ["a", "b", "c"]),
        ("a\rb\rc", ["a", "b", "c"]),
        ("a\n\nc\n", ["a", "", "c", ""]),
        ("\u{FEFF}a\nb", ["a", "b"]),
    ])
    func splitsLinesAtEveryKindOfBreak(text: String, expected: [String]) {
        let cache = SourceCache(["f.yml": text])
        let lines = (1...expected.count).map { cache.line($0, in: "f.yml") }
        #expect(lines == expected)
        #expect(cache.line(expected.count + 1, in: "f.yml") == nil)
    }

    @Test func unknownFilesAndLinesOutsideTheFileGiveNil() {
        let cache = SourceCache(["f.yml": "only line"])
        #expect(cache.line(1, in: "f.yml") == "only line")
        #expect(cache.line(0, in: "f.yml") == nil)
        #expect(cache.line(-3, in: "f.yml") == nil)
        #expect(cache.line(2, in: "f.yml") == nil)
        #expect(cache.line(1, in: "other.yml") == nil)
        #expect(SourceCache().line(1, in: "f.yml") == nil)
    }

    @Test func addingTextForAPathReplacesIt() {
        var cache = SourceCache()
        cache.add("old", for: "f.yml")
        cache.add("new\nsecond", for: "f.yml")
        #expect(cache.line(1, in: "f.yml") == "new")
        #expect(cache.line(2, in: "f.yml") == "second")
    }
}
