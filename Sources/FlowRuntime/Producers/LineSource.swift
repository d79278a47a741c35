import FlowCore
import Foundation

/// The input side of a `file:` or `stdin:` producer: reads lines, decodes them and keys the events.
///
/// Invariant: used only on the producer's read queue (one call at a time, in order), where blocking reads
/// are fine. With `checkpoints` every input is marked in its batch with the checkpoint after it; a file
/// resumed from a checkpoint is read from its byte offset, numbering lines on from it. It opens a file on the first read and closes it at the end of input, on a read error or on
/// `close()`; an injected handle or standard input is never closed.
///
/// `@unchecked Sendable`: its mutable state is confined to the read queue (see above).
final class LineSource: @unchecked Sendable {
    /// Where the lines come from.
    enum Input {
        /// A path, opened on the first read.
        case file(String)
        /// An open handle the caller owns (standard input, or a pipe in tests).
        case handle(FileHandle)
    }

    private let input: Input
    private let target: ProducerTarget
    private let decoder: LineDecoder
    private let scheduler: any FlowScheduler
    private var random: SeededRandom
    private var reader: LineReader?
    private var opened: FileHandle?
    private var isClosed = false
    /// The `ProducerCheckpoint.source` to mark inputs with; nil: no checkpoints.
    private let checkpoints: String?
    private let resume: ProducerCheckpoint?

    /// The name reports use: the configured path, or `stdin`.
    let name: String

    /// A source that reads nothing until `next()`; a file source given `resume` starts after it.
    init(
        input: Input,
        type: String?,
        target: ProducerTarget,
        scheduler: any FlowScheduler,
        seed: UInt64,
        checkpoints: String? = nil,
        resume: ProducerCheckpoint? = nil
    ) {
        self.input = input
        self.target = target
        self.scheduler = scheduler
        self.checkpoints = checkpoints
        self.resume = resume
        decoder = LineDecoder(producer: target.producer, type: type)
        random = SeededRandom(seed: resume?.random ?? seed)
        switch input {
        case .file(let path): name = path
        case .handle: name = MalformedInput.standardInput
        }
    }

    /// The events of the next lines read (blank lines are skipped); a failure message when the input cannot be
    /// opened or read. After the batch marked `isLast`, or a failure, it must not be called again.
    func next() -> Result<ProducerBatch, ProducerFailure> {
        do throws(ProducerFailure) {
            let reader = try openReader()
            let lines: [LineReader.RawLine]
            do {
                lines = try reader.nextLines()
            } catch {
                close()
                throw ProducerFailure(
                    "producer \"\(target.producer)\" cannot read \(described): \(Self.text(of: error.code))"
                )
            }
            var batch = ProducerBatch(isLast: reader.isAtEnd)
            let now = scheduler.wallClock
            let time = DeadLetterEnvelope.rfc3339(now)
            for line in lines {
                decode(line, into: &batch, now: now, time: time)
                if let checkpoints {
                    batch.mark(
                        ProducerCheckpoint(
                            source: checkpoints,
                            produced: Int64(line.number),
                            offset: line.end,
                            random: random.position
                        )
                    )
                }
            }
            if reader.isAtEnd { close() }
            return .success(batch)
        } catch {
            return .failure(error)
        }
    }

    /// Closes a file this source opened; idempotent.
    func close() {
        isClosed = true
        reader = nil
        try? opened?.close()
        opened = nil
    }

    private func decode(_ line: LineReader.RawLine, into batch: inout ProducerBatch, now: Date, time: String) {
        let origin = MalformedInput.Origin.line(file: name, line: line.number)
        if line.isTooLong {
            let problem = "line is longer than \(LineReader.maxLineBytes) bytes"
            batch.append(
                MalformedInput(origin: origin, raw: "", error: problem),
                target: target,
                random: &random,
                now: now
            )
            return
        }
        if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
        do {
            let event = try decoder.decode(line.bytes, random: &random, time: time)
            batch.append(
                event,
                from: origin,
                raw: String(decoding: line.bytes, as: UTF8.self),
                target: target,
                random: &random,
                now: now
            )
        } catch {
            let raw = String(decoding: line.bytes, as: UTF8.self)
            batch.append(
                MalformedInput(origin: origin, raw: raw, error: error.message),
                target: target,
                random: &random,
                now: now
            )
        }
    }

    private func openReader() throws(ProducerFailure) -> LineReader {
        if let reader { return reader }
        precondition(!isClosed, "LineSource.next() called after the end of input")
        let handle: FileHandle
        switch input {
        case .handle(let given):
            handle = given
        case .file(let path):
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else {
                let reason = Self.text(of: POSIXErrorCode(rawValue: errno) ?? .EIO)
                throw ProducerFailure("producer \"\(target.producer)\" cannot open file \"\(path)\": \(reason)")
            }
            handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            opened = handle
            if let resume { try seek(descriptor, path: path, to: resume) }
        }
        let reader = LineReader(handle, after: Int(resume?.produced ?? 0), offset: resume?.offset ?? 0)
        self.reader = reader
        return reader
    }

    /// Moves a resumed file to where the last run stopped; refuses a file now shorter than that (replaced or
    /// truncated), since reading it from anywhere would repeat or skip lines.
    private func seek(_ descriptor: Int32, path: String, to resume: ProducerCheckpoint) throws(ProducerFailure) {
        var status = stat()
        let size = fstat(descriptor, &status) == 0 ? Int64(status.st_size) : -1
        guard size >= resume.offset, lseek(descriptor, off_t(resume.offset), SEEK_SET) == off_t(resume.offset) else {
            close()
            throw ProducerFailure(
                "producer \"\(target.producer)\" cannot resume file \"\(path)\": the store says it read \(resume.produced) "
                    + "lines (\(resume.offset) bytes) of it, but the file now has \(max(size, 0)) bytes; put the "
                    + "original file back, or run with a new store"
            )
        }
    }

    private var described: String {
        switch input {
        case .file(let path): "file \"\(path)\""
        case .handle: "standard input"
        }
    }

    /// `strerror` of `code`, starting lower-case ("no such file or directory").
    private static func text(of code: POSIXErrorCode) -> String {
        let message = String(cString: strerror(code.rawValue))
        return (message.first?.lowercased() ?? "") + message.dropFirst()
    }
}
