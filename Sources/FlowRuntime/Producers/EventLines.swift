import FlowCore

/// JSON lines read the way a `file:` producer reads them (`LineDecoder`), for tools that send them
/// elsewhere (`flow publish --file`): a structured CloudEvent per line, or bare data wrapped into one.
public enum EventLines {
    /// One non-blank line: its number (from 1) and its event, or what is wrong with it.
    public struct Line: Sendable {
        public var number: Int
        public var event: Result<CloudEvent, Problem>
    }

    /// Why a line is not an event (lower-case, as the file producer says it).
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    /// The events of `bytes`; bare data gets source `flow/<producer>`, type `type` (`flow.record` when nil),
    /// an id drawn from `seed` and the time `time`. Blank lines are skipped but counted; `\r\n` ends a line too.
    public static func decode(
        _ bytes: [UInt8],
        producer: String,
        type: String?,
        seed: UInt64,
        time: String
    ) -> [Line] {
        let decoder = LineDecoder(producer: producer, type: type)
        var random = SeededRandom(seed: seed)
        var lines: [Line] = []
        for (index, raw) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            var line = raw
            if line.last == 0x0D { line = line.dropLast() }
            guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { continue }
            do throws(MalformedLineError) {
                lines.append(
                    Line(number: index + 1, event: .success(try decoder.decode(line, random: &random, time: time)))
                )
            } catch {
                lines.append(Line(number: index + 1, event: .failure(Problem(message: error.message))))
            }
        }
        return lines
    }
}
