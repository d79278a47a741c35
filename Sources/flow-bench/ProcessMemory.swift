import Foundation

/// This process's memory figures from `/proc/self/status` (Linux), in bytes.
enum ProcessMemory {
    /// The resident set size now (`VmRSS`); nil where `/proc` is missing.
    static var resident: Int? { field("VmRSS:") }

    /// The peak resident set size since start or the last `resetPeak()` (`VmHWM`); nil where `/proc` is missing.
    static var peakResident: Int? { field("VmHWM:") }

    /// Resets `VmHWM` to the current RSS (writes `5` to `/proc/self/clear_refs`); false when not permitted.
    @discardableResult
    static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    private static func field(_ name: String) -> Int? {
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/status") else { return nil }
        defer { try? handle.close() }
        let text = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            guard
                let kilobytes = line.dropFirst(name.count).split(whereSeparator: \.isWhitespace).first
                    .flatMap({ Int($0) })
            else {
                return nil
            }
            return kilobytes * 1024
        }
        return nil
    }
}
