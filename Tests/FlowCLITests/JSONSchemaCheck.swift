import FlowCore
import FlowYAML
import Foundation
import Testing

/// Validates YAML files against the exported JSON Schema with a real, independent validator: Python's
/// `jsonschema` (Draft 2020-12) reading the files with PyYAML set to YAML 1.2 core-schema scalars, as
/// `flow` reads them (`NO` and `yes` stay strings; `017` is 17).
enum JSONSchemaCheck {
    /// Why each file failed, keyed by path; files missing from it passed.
    struct Report {
        var status: Int32
        var failures: [String: [String]]
        var output: String
    }

    /// argv: schema path, then the files. Prints one JSON line per file; exit 0 when all pass, 1 when any
    /// fails, 2 when the schema itself is not a valid 2020-12 schema.
    static let script = #"""
        import json, re, sys
        import jsonschema, yaml

        class CoreLoader(yaml.SafeLoader):
            pass

        CoreLoader.yaml_implicit_resolvers = {}
        def resolve(tag, pattern, first):
            CoreLoader.add_implicit_resolver("tag:yaml.org,2002:" + tag, re.compile(pattern), list(first))
        resolve("null", r"^(?:~|null|)$", ["~", "n", ""])
        resolve("bool", r"^(?:true|false)$", "tf")
        resolve("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789")
        resolve("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.inf|\.nan)$",
                "-+.0123456789")
        resolve("merge", r"^<<$", "<")

        def integer(loader, node):
            text = loader.construct_scalar(node)
            if text.startswith("0o"): return int(text[2:], 8)
            if text.startswith("0x"): return int(text[2:], 16)
            return int(text, 10)
        def number(loader, node):
            text = loader.construct_scalar(node)
            specials = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}
            return specials[text] if text in specials else float(text)
        CoreLoader.add_constructor("tag:yaml.org,2002:int", integer)
        CoreLoader.add_constructor("tag:yaml.org,2002:float", number)
        CoreLoader.add_constructor("tag:yaml.org,2002:bool", lambda loader, node: loader.construct_scalar(node) == "true")

        schema = json.load(open(sys.argv[1], encoding="utf-8"))
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            print("invalid schema: " + error.message)
            sys.exit(2)
        validator = jsonschema.Draft202012Validator(schema)
        failed = False
        for path in sys.argv[2:]:
            try:
                document = yaml.load(open(path, encoding="utf-8"), Loader=CoreLoader)
                errors = [
                    "/".join(str(part) for part in error.absolute_path) + ": " + error.message
                    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
                ]
            except yaml.YAMLError as error:
                errors = ["yaml: " + str(error).replace("\n", " ")]
            failed = failed or bool(errors)
            print(json.dumps({"file": path, "errors": errors}))
        sys.exit(1 if failed else 0)
        """#

    static var python: URL? { ChildProcess.onPath("python3") }

    /// Runs the validator over `files` with `schema` (by default the one `flow schema` prints).
    static func validate(_ files: [String], schema: Value = JSONSchemaExporter.document()) throws -> Report {
        let python = try #require(python, "python3 is not on PATH; scripts/test.sh installs it")
        let schemaFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("flow-schema-\(UUID().uuidString).json")
        try schema.prettyJSONString.write(to: schemaFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: schemaFile) }
        let outcome = try ChildProcess.run(python, ["-c", script, schemaFile.path] + files)
        var failures: [String: [String]] = [:]
        for line in outcome.stdout.split(separator: "\n") {
            guard let value = try? Value(json: Data(line.utf8)), case .string(let file)? = value["file"],
                case .array(let errors)? = value["errors"], !errors.isEmpty
            else { continue }
            failures[file] = errors.compactMap(\.stringValue)
        }
        return Report(status: outcome.status, failures: failures, output: outcome.description)
    }

    /// The validator could not judge (no Python module, an invalid schema): its whole output.
    struct Failure: Error, CustomStringConvertible {
        var report: Report
        var description: String { report.output }
    }
}
