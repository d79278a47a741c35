import FlowCore
import FlowRuntime
import Foundation

/// `flow run --dead-letters DIR`: each dead-letter topic's events, written as JSON lines when the run ends,
/// so they outlive the in-memory broker (to read, or to replay through a `file:` producer).
enum DeadLetterDump {
    /// Why `directory` cannot take the files, checked before the run starts; nil when it can (it may not
    /// exist yet: it is created).
    static func problem(with directory: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else { return nil }
        return isDirectory.boolValue ? nil : "\"\(directory)\" exists and is not a directory"
    }

    /// Writes `DIR/<topic>.jsonl` for every dead-letter topic of `run` (empty ones too, so a script can rely
    /// on the file) and prints one line per file after the summary. A file that cannot be written is reported
    /// and the others are still written; returns false when any failed.
    static func write(_ run: PipelineRun, to directory: String) async -> Bool {
        let folder = URL(fileURLWithPath: directory)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            Terminal.printError("flow: cannot create \"\(directory)\" for dead letters: \(error.localizedDescription)")
            return false
        }
        var written = true
        for topic in run.pipeline.deadLetterTopics {
            guard let (events, evicted, acked) = await run.retained(of: topic) else {
                Terminal.printError("flow: the broker cannot list topic \"\(topic)\"; no dead letters written")
                written = false
                continue
            }
            var bytes: [UInt8] = []
            for event in events {
                bytes += event.jsonBytes
                bytes.append(0x0A)
            }
            let file = folder.appendingPathComponent("\(topic).jsonl")
            do {
                try Data(bytes).write(to: file, options: .atomic)
            } catch {
                Terminal.printError("flow: cannot write \"\(file.relativePath)\": \(error.localizedDescription)")
                written = false
                continue
            }
            var missing: [String] = []
            if evicted > 0 { missing.append("\(evicted) older ones were evicted by the topic's retention") }
            // Gone without a consumer of this pipeline reading the topic: a `flow dlq replay` beside the run took them.
            let read = run.pipeline.consumers.contains { $0.from == topic }
            if acked > 0, read { missing.append("\(acked) were read and acked by the consumers of \"\(topic)\"") }
            if acked > 0, !read { missing.append("\(acked) were taken out meanwhile (flow dlq replay)") }
            let note = missing.isEmpty ? "" : "; " + missing.joined(separator: "; ")
            print("dead letters: \(events.count) written to \(file.relativePath)\(note)")
        }
        return written
    }
}
