#!/usr/bin/env bash
# Runs every check the project has: formatting, the build (warnings are errors), and all tests.
# Works on a fresh machine of this kind: it installs what the tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
pkg-config --exists yaml-0.1 || need_apt+=(libyaml-dev)
pkg-config --exists sqlite3 || need_apt+=(libsqlite3-dev)
command -v python3 >/dev/null || need_apt+=(python3)
if ((${#need_apt[@]})); then
    echo "test.sh: installing ${need_apt[*]}"
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The schema tests check `flow schema` with an independent validator: Python's jsonschema and PyYAML.
if ! python3 -c "import jsonschema, yaml" 2>/dev/null; then
    echo "test.sh: installing jsonschema and pyyaml"
    python3 -m pip install --quiet jsonschema pyyaml
fi

echo "test.sh: swift format lint --strict"
lint_paths=(Package.swift)
for dir in Sources Tests Benchmarks examples; do [[ -d $dir ]] && lint_paths+=("$dir"); done
swift format lint --strict --recursive --parallel "${lint_paths[@]}"

echo "test.sh: swift build"
swift build --build-tests

echo "test.sh: swift test"
swift test --skip-build --disable-xctest "$@"
