import FlowCore

/// JSON lines read the way a `file:` producer reads them (`LineDecoder`), one at a time, for tools that send
/// them elsewhere (`flow publish --file`): a structured CloudEvent per line, or bare data wrapped into one.
public struct EventLines: Sendable {
    /// Why a line is not an event (lower-case, as the file producer says it).
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    private let decoder: LineDecoder
    private var random: SeededRandom

    /// Bare data gets `source`, `type` (`flow.record` when nil) and an id drawn from `seed`.
    public init(source: String, type: String?, seed: UInt64) {
        decoder = LineDecoder(source: source, type: type)
        random = SeededRandom(seed: seed)
    }

    /// The event of one line (without its `\n`; a trailing `\r` is dropped), dated `time` when it is bare
    /// data; nil for a blank line.
    public mutating func decode(_ line: ArraySlice<UInt8>, time: String) -> Result<CloudEvent, Problem>? {
        var line = line
        if line.last == 0x0D { line = line.dropLast() }
        guard !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return nil }
        do throws(MalformedLineError) {
            return .success(try decoder.decode(line, random: &random, time: time))
        } catch {
            return .failure(Problem(message: error.message))
        }
    }
}
