#!/usr/bin/env bash
# Runs every check the project has: formatting, the build (warnings are errors), and all tests.
# Works on a fresh machine of this kind: it installs what the tests need first.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
pkg-config --exists yaml-0.1 || need_apt+=(libyaml-dev)
pkg-config --exists sqlite3 || need_apt+=(libsqlite3-dev)
command -v python3 >/dev/null || need_apt+=(python3)
command -v redis-server >/dev/null || need_apt+=(redis-server)
if ((${#need_apt[@]})); then
    echo "test.sh: installing ${need_apt[*]}"
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# Independent checkers from PyPI: the schema tests validate `flow schema` with jsonschema and PyYAML; the
# metrics tests parse what `flow run --metrics` serves with the Prometheus client's own text parser; the
# tracing tests decode OTLP with the OpenTelemetry project's protobuf definitions.
if ! python3 -c "import jsonschema, yaml, prometheus_client, opentelemetry.proto" 2>/dev/null; then
    echo "test.sh: installing jsonschema, pyyaml, prometheus-client and opentelemetry-proto"
    python3 -m pip install --quiet jsonschema pyyaml prometheus-client opentelemetry-proto
fi

echo "test.sh: swift format lint --strict"
lint_paths=(Package.swift)
for dir in Sources Tests Benchmarks examples; do [[ -d $dir ]] && lint_paths+=("$dir"); done
swift format lint --strict --recursive --parallel "${lint_paths[@]}"

echo "test.sh: swift build"
swift build --build-tests

# The Redis tests talk to a server of their own: started here on a free loopback port, without persistence,
# and stopped by its pid when the script ends (however it ends).
redis_dir=$(mktemp -d)
redis_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$redis_dir" --save '' --appendonly no \
    --daemonize no --loglevel warning >"$redis_dir/log" 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; rm -rf "$redis_dir"' EXIT
for attempt in $(seq 100); do
    redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break
    if ! kill -0 "$redis_pid" 2>/dev/null || ((attempt == 100)); then
        echo "test.sh: redis-server did not start on 127.0.0.1:$redis_port:" >&2
        cat "$redis_dir/log" >&2
        exit 1
    fi
    sleep 0.1
done
export FLOW_TEST_REDIS_PORT=$redis_port
export FLOW_TEST_REDIS_SERVER=$(command -v redis-server)
echo "test.sh: redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on 127.0.0.1:$redis_port (pid $redis_pid)"

echo "test.sh: swift test"
swift test --skip-build --disable-xctest "$@"
