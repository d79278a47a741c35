import FlowCore
import Foundation

/// JSON lines read the way a `file:` producer reads them (`LineReader`, `LineDecoder`), for tools that send
/// them elsewhere (`flow publish --file`): a structured CloudEvent per line, or bare data wrapped into one.
///
/// Memory holds one chunk and one partial line at a time, as for the producer; a line over
/// `LineReader.maxLineBytes` is a problem, not a crash.
public struct EventLines {
    /// One non-blank line: its number (from 1, blank lines counted) and its event or what is wrong with it.
    public struct Line: Sendable {
        public var number: Int
        public var event: Result<CloudEvent, Problem>
    }

    /// Why a line is not an event (lower-case, as the file producer says it).
    public struct Problem: Error, Sendable, Equatable {
        public var message: String
    }

    private let decoder: LineDecoder
    private var random: SeededRandom
    private let reader: LineReader?

    /// Decodes lines handed to `decode(_:time:)`; bare data gets `source`, `type` (`flow.record` when nil) and an
    /// id drawn from `seed`.
    public init(source: String, type: String?, seed: UInt64) {
        self.init(reader: nil, source: source, type: type, seed: seed)
    }

    /// Reads `handle` (which it does not close) line by line through `next(time:)`.
    public init(reading handle: FileHandle, source: String, type: String?, seed: UInt64) {
        self.init(reader: LineReader(handle), source: source, type: type, seed: seed)
    }

    private init(reader: LineReader?, source: String, type: String?, seed: UInt64) {
        self.reader = reader
        decoder = LineDecoder(source: source, type: type)
        random = SeededRandom(seed: seed)
    }

    /// The next non-blank lines of the input, in order; empty once the input has ended (or when reading
    /// nothing). Throws the error of a failed read.
    public mutating func next(time: String) throws -> [Line] {
        guard let reader else { return [] }
        var lines: [Line] = []
        while lines.isEmpty, !reader.isAtEnd {
            for raw in try reader.nextLines() {
                if raw.isTooLong {
                    let problem = Problem(message: "line is longer than \(LineReader.maxLineBytes) bytes")
                    lines.append(Line(number: raw.number, event: .failure(problem)))
                } else if let event = decode(raw.bytes, time: time) {
                    lines.append(Line(number: raw.number, event: event))
                }
            }
        }
        return lines
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
