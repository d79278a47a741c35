import CYaml
import FlowCore

extension YAMLParser {
    /// libyaml's error as one `yaml-syntax` diagnostic at its problem position: the message is libyaml's problem
    /// in lower case followed by its context ("found unexpected end of stream while scanning a quoted scalar").
    static func syntaxError(
        of parser: UnsafeMutablePointer<yaml_parser_t>,
        in source: inout SourceText,
        file: String
    ) -> Diagnostic {
        let problem = parser.pointee.problem.map { String(cString: $0).lowercased() } ?? "the file is not valid yaml"
        let context = parser.pointee.context.map { String(cString: $0).lowercased() }
        let at: SourceText.Mark
        let byte: Int
        if parser.pointee.error == YAML_READER_ERROR {
            byte = parser.pointee.problem_offset
            at = source.mark(atByte: byte)
        } else {
            at = mark(parser.pointee.problem_mark)
            byte = source.byteOffset(ofCharacter: at.index)
        }
        let problemSite = SyntaxProblem(
            problem: problem,
            context: context,
            contextMark: mark(parser.pointee.context_mark),
            problemValue: Int(parser.pointee.problem_value),
            line: source.line(containingByte: byte),
            character: byte < source.bytes.count ? source.bytes[byte] : nil
        )
        return .error(
            .yamlSyntax,
            context.map { "\(problem) \($0)" } ?? problem,
            at: location(of: at, in: file),
            hint: problemSite.hint
        )
    }
}

/// What libyaml said went wrong and the text around it, enough to suggest a fix.
private struct SyntaxProblem {
    var problem: String
    var context: String?
    var contextMark: SourceText.Mark
    var problemValue: Int
    /// The bytes of the line holding the problem.
    var line: ArraySlice<UInt8>
    /// The byte at the problem position, if any.
    var character: UInt8?

    /// A short fix for the errors people actually make; nil when nothing better than the message can be said.
    var hint: String? {
        let opened = "line \(contextMark.line + 1), column \(contextMark.column + 1)"
        if problem.contains("tab") || character == 0x09 || indentationHasTab {
            return "YAML indentation must use spaces, not tabs"
        }
        switch problem {
        case "found unexpected end of stream" where context == "while scanning a quoted scalar":
            return "close the quote opened at \(opened)"
        case "did not find expected ',' or ']'":
            return "close the list opened at \(opened) with \"]\""
        case "did not find expected ',' or '}'":
            return "close the mapping opened at \(opened) with \"}\""
        case "mapping values are not allowed in this context":
            return "check this line's indentation, or quote a value that contains \": \""
        case "did not find expected key":
            return "keys of one mapping must start in the same column"
        case "did not find expected '-' indicator":
            return "items of one list must start in the same column"
        case "could not find expected ':'":
            return "add \":\" after the key at \(opened), or indent the line to continue the value above"
        case "found unknown escape character":
            return "in double quotes write a backslash as \"\\\\\", or use single quotes"
        case "control characters are not allowed":
            let hex = String(problemValue, radix: 16, uppercase: true)
            return "remove the control character U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)"
        case "did not find expected <document start>":
            return "a pipeline file holds one YAML document; remove what follows \"...\""
        case "found character that cannot start any token":
            guard let character, character == UInt8(ascii: "@") || character == UInt8(ascii: "`") else { return nil }
            return "quote a value that starts with \"\(Character(Unicode.Scalar(character)))\""
        case "did not find expected alphabetic or numeric character" where context == "while scanning an alias":
            return "quote the value if \"*\" is meant literally"
        case "did not find expected alphabetic or numeric character" where context == "while scanning an anchor":
            return "quote the value if \"&\" is meant literally"
        default:
            return nil
        }
    }

    /// True when the spaces before the line's first other character include a tab.
    private var indentationHasTab: Bool {
        line.prefix { $0 == 0x20 || $0 == 0x09 }.contains(0x09)
    }
}
