#!/usr/bin/env bash
# Events per second through `exec` steps, measured with the real `flow` binary (release build):
#   bash Benchmarks/exec/run.sh                  # worker mode and per-event mode; prints a table
#   EVENTS=500000 CONCURRENCY="4 8" PIPELINED="64:1" bash Benchmarks/exec/run.sh
# Each figure is one `flow run --until-idle --log-level error --report` of a generated pipeline: a producer
# generates the events as fast as it can, one consumer runs the step; events/s = processed / elapsed, both read
# from the report. A baseline with no exec step shows the runner's own ceiling on this machine.
# Target (docs/performance.md): worker mode >= 50,000 events/s with a trivial Python worker.
set -euo pipefail
cd "$(dirname "$0")/../.."

events=${EVENTS:-200000}
per_event=${PER_EVENT_EVENTS:-2000}
concurrency=${CONCURRENCY:-"1 4 8 16"}
# CONCURRENCY:WORKERS pairs run with `workers: WORKERS`, so each worker holds several requests (pipelined).
pipelined=${PIPELINED:-"16:1 64:1 64:2 64:4"}
scratch=${FLOW_BENCH_SCRATCH:-.build}

echo "run.sh: swift build -c release --product flow" >&2
swift build -c release --product flow --scratch-path "$scratch" >&2
flow="$scratch/release/flow"
bench=$(cd Benchmarks/exec && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# pipeline NAME COUNT CONCURRENCY STEP: one topic, one producer of COUNT events, one consumer running STEP.
pipeline() {
    cat >"$work/$1.yml" <<YAML
version: 1
name: $1
topics:
  in: { partitions: 4, key: data.k }
producers:
  gen:
    to: in
    generate:
      count: $2
      event:
        type: Tick
        data: { k: "\${seq() % 64}", n: "\${seq()}", text: "a small payload" }
consumers:
  c:
    from: in
    concurrency: $3
    steps:
      - $4
YAML
    echo "$work/$1.yml"
}

# measure FILE: prints "processed elapsed_ms events_per_s" from the run's report.
measure() {
    "$flow" run "$1" --until-idle --log-level error --report "$work/report.json" >/dev/null
    python3 - "$work/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
processed = sum(c["processed"] for c in report["consumers"])
elapsed = report["elapsed_ms"]
print(processed, "%.0f" % elapsed, "%.0f" % (processed / elapsed * 1000))
PY
}

format='%-32s %11s %7s %9s %12s %10s\n'
printf "$format" "mode" "concurrency" "workers" "events" "elapsed ms" "events/s"
printf "$format" "----" "-----------" "-------" "------" "----------" "--------"
row() {
    read -r processed elapsed rate < <(measure "$4")
    printf "$format" "$1" "$2" "$3" "$processed" "$elapsed" "$rate"
}
worker="command: [python3, $bench/worker.py], worker: true"
row "baseline (set, no exec)" 1 - "$(pipeline base "$events" 1 'set: { data.seen: true }')"
for c in $concurrency; do
    row "worker (python3 worker.py)" "$c" "$c" "$(pipeline "worker$c" "$events" "$c" "exec: { $worker }")"
done
for pair in $pipelined; do
    c=${pair%:*} w=${pair#*:}
    row "worker, pipelined" "$c" "$w" "$(pipeline "piped$c-$w" "$events" "$c" "exec: { $worker, workers: $w }")"
done
for c in 1 4; do
    row "per-event (python3 handler.py)" "$c" - \
        "$(pipeline "event$c" "$per_event" "$c" "exec: [python3, $bench/handler.py]")"
done
echo "($(nproc) cores; $(swift --version 2>/dev/null | head -1))"
