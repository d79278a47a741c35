import FlowCore
import FlowTesting
import Foundation

/// `flow test --format junit`: JUnit XML as CI servers read it (a testsuite per file, a testcase per test, a
/// failure element per failed test holding every failed expectation).
enum JUnitReport {
    static func render(_ report: TestReport) -> String {
        var xml = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        xml.append(
            "<testsuites name=\"flow test\" tests=\"\(report.passed + report.failed)\" failures=\"\(report.failed)\">"
        )
        for file in report.files {
            let failures = file.outcomes.count { !$0.passed } + (file.diagnostics.hasErrors ? 1 : 0)
            let tests = file.outcomes.count + (file.diagnostics.hasErrors ? 1 : 0)
            let seconds = file.outcomes.reduce(0.0) { $0 + DurationText.milliseconds($1.wallTime) / 1000 }
            xml.append(
                "  <testsuite name=\"\(escape(file.path))\" tests=\"\(tests)\" failures=\"\(failures)\" "
                    + "time=\"\(format(seconds))\">"
            )
            if file.diagnostics.hasErrors {
                let text = file.diagnostics.map(\.description).joined(separator: "\n")
                xml.append("    <testcase name=\"load\" classname=\"\(escape(file.path))\" time=\"0\">")
                xml.append("      <failure message=\"the test file does not load\">\(escape(text))</failure>")
                xml.append("    </testcase>")
            }
            for outcome in file.outcomes {
                let time = format(DurationText.milliseconds(outcome.wallTime) / 1000)
                let open =
                    "    <testcase name=\"\(escape(outcome.name))\" classname=\"\(escape(file.path))\" time=\"\(time)\""
                guard !outcome.passed else {
                    xml.append(open + "/>")
                    continue
                }
                xml.append(open + ">")
                let first = outcome.failures.first.map { "\($0.location): \($0.message)" } ?? ""
                let body = outcome.failures.map { failure in
                    "\(failure.location): \(failure.message)" + failure.logs.map { "\n  " + $0 }.joined()
                }
                .joined(separator: "\n")
                let message = String(first.prefix { $0 != "\n" })
                xml.append("      <failure message=\"\(escape(message))\">\(escape(body))</failure>")
                xml.append("    </testcase>")
            }
            xml.append("  </testsuite>")
        }
        xml.append("</testsuites>")
        return xml.joined(separator: "\n") + "\n"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\n", "\t": escaped.unicodeScalars.append(scalar)
            default:
                // XML 1.0 forbids other control characters even escaped.
                if scalar.value < 0x20 { escaped += "?" } else { escaped.unicodeScalars.append(scalar) }
            }
        }
        return escaped
    }

    private static func format(_ seconds: Double) -> String {
        String(format: "%.3f", seconds)
    }
}
