import FlowCore
import Foundation

/// Expands the paths a user names into pipeline files: files as given, directories searched recursively
/// for `*.yml` and `*.yaml`, sorted so output is stable.
enum PipelineFiles {
    static func expand(_ paths: [String]) -> (files: [String], diagnostics: [Diagnostic]) {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(
                    .error(
                        .fileUnreadable,
                        "no such file or directory \"\(path)\"",
                        at: SourceLocation(file: path, line: 1, column: 1),
                        hint: "check the path"
                    )
                )
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let found = (manager.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }
                .sorted()
                .map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }
            if found.isEmpty {
                diagnostics.append(
                    .error(
                        .noPipelines,
                        "no pipeline files in \"\(path)\"",
                        at: SourceLocation(file: path, line: 1, column: 1),
                        hint: "pipeline files end in .yml or .yaml"
                    )
                )
            }
            files += found
        }
        return (files, diagnostics)
    }
}
