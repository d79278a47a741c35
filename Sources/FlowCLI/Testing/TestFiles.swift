import FlowCore
import Foundation

/// The test files named on the command line: files as they are, directories searched for `*.test.yml` and
/// `*.test.yaml` (sorted, so runs are in a stable order).
enum TestFiles {
    static func expand(_ paths: [String]) -> (files: [String], diagnostics: [Diagnostic]) {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            let at = SourceLocation(file: path, line: 1, column: 1)
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(
                    .error(.fileUnreadable, "no such file or directory \"\(path)\"", at: at, hint: "check the path")
                )
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let found = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                .filter { ($0.hasSuffix(".test.yml") || $0.hasSuffix(".test.yaml")) && !$0.hasPrefix(".build") }
                .sorted()
                .map { path == "." ? $0 : (path.hasSuffix("/") ? path + $0 : path + "/" + $0) }
            if found.isEmpty {
                diagnostics.append(
                    .error(.noPipelines, "no test files in \"\(path)\"", at: at, hint: "test files end in .test.yml")
                )
            }
            files += found
        }
        return (files, diagnostics)
    }
}
