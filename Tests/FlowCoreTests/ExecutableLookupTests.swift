import FlowCore
import Foundation
import Testing

/// `ExecutableLookup` finds exactly what an `exec` step can start, or says why not.
struct ExecutableLookupTests {
    static func resolve(
        _ command: [String],
        cwd: String? = nil,
        env: [String: String] = [:],
        in directory: String = "/"
    )
        -> Result<String, ExecutableLookup.NotFound>
    {
        ExecutableLookup.resolve(
            Step.Exec(command: command, cwd: cwd, env: env),
            environment: ["PATH": "/usr/local/bin:/usr/bin:/bin"],
            currentDirectory: directory
        )
    }

    @Test func aNameIsFoundOnPathAndTheStepsPathWins() throws {
        let found = try Self.resolve(["sh"]).get()
        #expect(found.hasSuffix("/sh"))
        #expect(throws: ExecutableLookup.NotFound.self) {
            try Self.resolve(["sh"], env: ["PATH": "/nonexistent"]).get()
        }
    }

    @Test(
        arguments: [
            ([""], nil, "the command's program name is empty"),
            (["/tmp"], nil, #"command "/tmp" is not an executable file"#),
            (["./nowhere/x"], nil, #"command "./nowhere/x" is not an executable file"#),
            (["pyhton3"], nil, #"command "pyhton3" not found on PATH"#),
            (["sh"], "no-such-dir", #"working directory "no-such-dir" does not exist"#),
        ] as [([String], String?, String)]
    )
    func whatCannotBeStartedSaysWhy(command: [String], cwd: String?, message: String) {
        guard case .failure(let notFound) = Self.resolve(command, cwd: cwd) else {
            Issue.record("\(command) resolved")
            return
        }
        #expect(notFound.message == message)
    }

    @Test func aRelativePathStartsFromTheStepsCwdUnderTheCurrentDirectory() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("flow-lookup-\(UUID().uuidString)")
        let tools = root.appendingPathComponent("tools")
        try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let script = tools.appendingPathComponent("pay")
        try "#!/bin/sh\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        #expect(try Self.resolve(["./pay"], cwd: "tools", in: root.path).get() == root.path + "/tools/./pay")
        #expect(try Self.resolve(["tools/pay"], in: root.path).get() == root.path + "/tools/pay")
    }
}
