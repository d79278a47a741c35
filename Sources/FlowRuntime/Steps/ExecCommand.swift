import FlowCore
import Foundation

/// An `exec` step resolved once, when the handler is built: the executable found (argv, never a shell), the
/// child's environment and working directory.
///
/// Invariant: `executable` is an absolute path to an executable file as of `init`, or says why the command
/// cannot run (every event of the step then fails permanently with that message).
struct ExecCommand: Sendable {
    /// Why a command cannot run: `command "x" not found on PATH`.
    struct Unresolved: Error, Sendable {
        var message: String
    }

    /// The argv as written; `argv[0]` names the program.
    let argv: [String]
    /// The program's absolute path, or why none was found.
    let executable: Result<String, Unresolved>
    /// The parent's environment plus the step's `env` (the step wins).
    var environment: [String: String]
    /// The child's working directory; nil for the parent's.
    let directory: String?
    let permanentExitCodes: Set<Int32>
    /// `worker: true`: the program is a long-lived worker speaking JSON lines (docs/workers.md).
    let worker: Bool
    /// With `worker`: the most worker processes; nil for the consumer's concurrency.
    let workers: Int?

    /// Resolves `exec` against `environment` (the parent's) and `currentDirectory`: a name without `/` is
    /// looked up on the child's `PATH`; a relative path is taken from the step's `cwd`, else the parent's.
    init(
        _ exec: Step.Exec,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) {
        argv = exec.command
        permanentExitCodes = exec.permanentExitCodes
        worker = exec.worker
        workers = exec.workers
        self.environment = environment.merging(exec.env) { _, step in step }
        directory = exec.cwd.map { ExecutableLookup.absolute($0, from: currentDirectory) }
        executable = ExecutableLookup.resolve(exec, environment: environment, currentDirectory: currentDirectory)
            .mapError { Unresolved(message: $0.message) }
    }
}

extension ExecCommand {
    /// Points `process` at `executable` with this command's arguments, environment and directory, gives each
    /// standard stream a fresh pipe, and returns the pipes (stdin, stdout, stderr). Per-event runs and workers
    /// start their processes the same way.
    func prepare(_ process: Process, executable: String) -> (input: Pipe, output: Pipe, error: Pipe) {
        let pipes = (input: Pipe(), output: Pipe(), error: Pipe())
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(argv.dropFirst())
        process.environment = environment
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = pipes.input
        process.standardOutput = pipes.output
        process.standardError = pipes.error
        return pipes
    }
}

extension ExecOutcome.Ending.Status {
    /// How a terminated `process` ended.
    init(_ process: Process) {
        self =
            process.terminationReason == .exit
            ? .exited(process.terminationStatus) : .signaled(process.terminationStatus)
    }
}
