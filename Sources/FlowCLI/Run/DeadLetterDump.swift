import FlowCore
import FlowRuntime
import Foundation

/// `flow run --dead-letters DIR`: each dead-letter topic's events, written as JSON lines when the run ends,
/// so they outlive the in-memory broker (to read, or to replay through a `file:` producer).
enum DeadLetterDump {
    /// Writes `DIR/<topic>.jsonl` for every dead-letter topic of `run` (empty ones too, so a script can rely
    /// on the file) and prints one line per file after the summary.
    static func write(_ run: PipelineRun, to directory: String) async throws {
        let folder = URL(fileURLWithPath: directory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for topic in run.pipeline.deadLetterTopics {
            guard let (events, evicted) = await run.retained(of: topic) else {
                Terminal.printError("flow: the broker cannot list topic \"\(topic)\"; no dead letters written")
                continue
            }
            var bytes: [UInt8] = []
            for event in events {
                bytes += event.jsonBytes
                bytes.append(0x0A)
            }
            let file = folder.appendingPathComponent("\(topic).jsonl")
            try Data(bytes).write(to: file, options: .atomic)
            let lost = evicted > 0 ? "; \(evicted) older ones were evicted by the topic's retention" : ""
            print("dead letters: \(events.count) written to \(file.relativePath)\(lost)")
        }
    }
}
