import FlowCore

extension DiagnosticRenderer {
    /// One GitHub Actions workflow command per diagnostic, e.g.
    /// `::error file=a.yml,line=3,col=5,endColumn=9,title=flow [unknown-key]::message%0Ahint: …`.
    ///
    /// Notes become `::notice`. A diagnostic with an empty file name carries no position properties.
    static func renderGitHub(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { diagnostic in
            let command =
                switch diagnostic.severity {
                case .error: "error"
                case .warning: "warning"
                case .note: "notice"
                }
            let location = diagnostic.location
            var properties: [(String, String)] = []
            if !location.file.isEmpty {
                properties += [
                    ("file", location.file), ("line", String(location.line)), ("col", String(location.column)),
                    ("endColumn", String(endColumn(of: diagnostic))),
                ]
            }
            properties.append(("title", "\(toolName) [\(diagnostic.rule.id)]"))
            var message = diagnostic.message
            if let hint = diagnostic.hint { message += "\nhint: " + hint }
            let list = properties.map { "\($0)=\(escapeGitHubProperty($1))" }.joined(separator: ",")
            return "::\(command) \(list)::\(escapeGitHubData(message))"
        }
        .joined(separator: "\n")
    }

    /// The runner's escaping for a command's message: `%`, CR and LF.
    static func escapeGitHubData(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The runner's escaping for a property value: as for data, plus `:` and `,`.
    static func escapeGitHubProperty(_ text: String) -> String {
        escapeGitHubData(text).replacing(":", with: "%3A").replacing(",", with: "%2C")
    }
}
