import Foundation

/// Facts about where output goes.
enum Terminal {
    /// True when stdout is a terminal and the user has not asked for plain output (`NO_COLOR`, `TERM=dumb`).
    static var stdoutSupportsColor: Bool {
        let environment = ProcessInfo.processInfo.environment
        return isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Writes to standard error (diagnostics about the command itself, progress lines).
    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
