import Foundation

/// Standard error shared by log lines and the live progress line: a log line first clears the progress
/// line and the progress line is redrawn after it, so neither tears the other.
///
/// `@unchecked Sendable`: `progress` is only touched under `lock`.
final class Console: @unchecked Sendable {
    static let shared = Console()

    private let lock = NSLock()
    private var progress: String?

    /// Writes one complete line (a log record).
    func writeLine(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        var text = progress == nil ? "" : "\r\u{1B}[K"
        text += line + "\n"
        if let progress { text += progress }
        Console.write(text)
    }

    /// Replaces the progress line (terminals only).
    func showProgress(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        progress = line
        Console.write("\r\u{1B}[K" + line)
    }

    /// Removes the progress line for good.
    func clearProgress() {
        lock.lock()
        defer { lock.unlock() }
        guard progress != nil else { return }
        progress = nil
        Console.write("\r\u{1B}[K")
    }

    /// Writes raw text to standard error, unbuffered.
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
