import Foundation

/// Finds the program an `exec` step's argv names, exactly as the step will start it, so that `flow validate`,
/// `flow run` and the step itself can never disagree about it.
///
/// A name without `/` is looked up on the child's `PATH` (the step's `env` wins over the parent's environment;
/// `/usr/local/bin:/usr/bin:/bin` without one). A name with `/` is a path: relative ones are taken from the
/// step's `cwd`, itself relative to `currentDirectory`, which must exist. The result is an absolute path to
/// an executable regular file, or why there is none (`command "x" not found on PATH`).
public enum ExecutableLookup {
    /// Where `exec` looks for its program, or the message saying why it cannot run.
    public static func resolve(
        _ exec: Step.Exec,
        environment: [String: String],
        currentDirectory: String
    ) -> Result<String, NotFound> {
        let name = exec.command.first ?? ""
        guard !name.isEmpty else { return .failure(NotFound(message: "the command's program name is empty")) }
        let directory = exec.cwd.map { absolute($0, from: currentDirectory) }
        if let cwd = exec.cwd, let directory, !isDirectory(directory) {
            return .failure(NotFound(message: "working directory \"\(cwd)\" does not exist"))
        }
        if name.contains("/") {
            let path = absolute(name, from: directory ?? currentDirectory)
            return isProgram(path)
                ? .success(path) : .failure(NotFound(message: "command \"\(name)\" is not an executable file"))
        }
        let search = exec.env["PATH"] ?? environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let found = search.split(separator: ":").lazy.map { "\($0)/\(name)" }.first(where: isProgram)
        return found.map { .success($0) } ?? .failure(NotFound(message: "command \"\(name)\" not found on PATH"))
    }

    /// An executable regular file (or a link to one): what `exec` can start. Directories are executable too,
    /// but cannot be run.
    private static func isProgram(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && !directory.boolValue
            && FileManager.default.isExecutableFile(atPath: path)
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// `path` made absolute against `directory`.
    public static func absolute(_ path: String, from directory: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }

    /// Why a command cannot run.
    public struct NotFound: Error, Sendable, Equatable {
        public var message: String
    }
}
