import FlowCore
import Foundation

/// An `exec` step resolved once, when the handler is built: the executable found (argv, never a shell), the
/// child's environment and working directory.
///
/// Invariant: exactly one of `executable` and `problem` is set; `problem` explains why the command cannot run
/// (every event of the step then fails permanently with it).
struct ExecCommand: Sendable {
    /// The argv as written; `argv[0]` names the program.
    let argv: [String]
    /// The program's absolute path.
    let executable: String?
    /// Why no executable was found.
    let problem: String?
    /// The parent's environment plus the step's `env` (the step wins).
    let environment: [String: String]
    /// The child's working directory; nil for the parent's.
    let directory: String?
    let permanentExitCodes: Set<Int32>

    /// Resolves `exec` against `environment` (the parent's) and `currentDirectory`: a name without `/` is
    /// looked up on the child's `PATH`; a relative path is taken from the step's `cwd`, else the parent's.
    init(
        _ exec: Step.Exec,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) {
        argv = exec.command
        permanentExitCodes = exec.permanentExitCodes
        let childEnvironment = environment.merging(exec.env) { _, step in step }
        self.environment = childEnvironment
        let directory = exec.cwd.map { Self.absolute($0, from: currentDirectory) }
        self.directory = directory
        let name = exec.command.first ?? ""
        if name.contains("/") {
            let path = Self.absolute(name, from: directory ?? currentDirectory)
            let found = FileManager.default.isExecutableFile(atPath: path)
            executable = found ? path : nil
            problem = found ? nil : "command \"\(name)\" is not an executable file"
        } else {
            let path = (childEnvironment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
            let found = path.lazy.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
            executable = found
            problem = found == nil ? "command \"\(name)\" not found on PATH" : nil
        }
    }

    private static func absolute(_ path: String, from directory: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        return directory.hasSuffix("/") ? directory + path : directory + "/" + path
    }
}
