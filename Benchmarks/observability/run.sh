#!/usr/bin/env bash
# What observability costs flow run, A B A B in one run so the machine's drift cancels in the ratios:
#   bash Benchmarks/observability/run.sh                        # current build, flags off vs on
#   BASELINE=/path/to/older/flow bash Benchmarks/observability/run.sh   # also: off vs a build before metrics
# Scenarios (Benchmarks/observability/throughput.yml: generate → keyed topic → inline steps → emit → consumer):
#   off vs BASELINE, --metrics-file vs off, --metrics 127.0.0.1:0 vs off  (EVENTS, default 300000)
#   --otlp to a discarding OTLP/HTTP endpoint (sink.py) vs off              (TRACE_EVENTS, default 20000)
# Prints each command's median wall time over RUNS pairs (default 5) and the median of the pairwise ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."

events=${EVENTS:-300000}
trace_events=${TRACE_EVENTS:-20000}
runs=${RUNS:-5}
directory=$(mktemp -d -p "${TMPDIR:-/tmp}")
sink_pid=""
cleanup() {
    if [ -n "$sink_pid" ]; then kill "$sink_pid" 2>/dev/null || true; fi
    rm -rf "$directory"
}
trap cleanup EXIT

echo "run.sh: swift build -c release --product flow" >&2
swift build -c release --product flow >&2
flow=.build/release/flow
sed "s/count: 200000 .*/count: $events/" Benchmarks/observability/throughput.yml > "$directory/many.yml"
sed "s/count: 200000 .*/count: $trace_events/" Benchmarks/observability/throughput.yml > "$directory/traced.yml"

python3 Benchmarks/observability/sink.py "$directory/port" &
sink_pid=$!
for _ in $(seq 100); do [ -s "$directory/port" ] && break; sleep 0.1; done
port=$(cat "$directory/port")

# pair NAME "A command" "B command": RUNS runs of each in turn after one warm-up of each.
pair() {
    local name=$1 a=$2 b=$3
    local times="$directory/times"
    : > "$times"
    $a > /dev/null 2>&1
    $b > /dev/null 2>&1
    for _ in $(seq "$runs"); do
        /usr/bin/time -f "A %e" -a -o "$times" $a > /dev/null 2>&1
        /usr/bin/time -f "B %e" -a -o "$times" $b > /dev/null 2>&1
    done
    python3 - "$name" "$times" <<'PY'
import statistics, sys
name, path = sys.argv[1], sys.argv[2]
rows = [line.split() for line in open(path) if line[:2] in ("A ", "B ")]
a = [float(t) for k, t in rows if k == "A"]
b = [float(t) for k, t in rows if k == "B"]
ratios = [x / y for x, y in zip(a, b)]
print(f"{name:<34} A {statistics.median(a):7.3f} s  B {statistics.median(b):7.3f} s  A/B {statistics.median(ratios):6.3f}"
      f"  (min {min(ratios):.3f}, max {max(ratios):.3f}, {len(ratios)} pairs)")
PY
}

run="run $directory/many.yml --until-idle --no-progress"
traced="run $directory/traced.yml --until-idle --no-progress"
if [ -n "${BASELINE:-}" ]; then pair "off: this build / BASELINE" "$flow $run" "$BASELINE $run"; fi
pair "--metrics-file / off" "$flow $run --metrics-file $directory/m.prom" "$flow $run"
pair "--metrics 127.0.0.1:0 / off" "$flow $run --metrics 127.0.0.1:0" "$flow $run"
pair "--otlp ($trace_events events) / off" "$flow $traced --otlp http://127.0.0.1:$port" "$flow $traced"
