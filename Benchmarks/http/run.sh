#!/usr/bin/env bash
# Throughput of the `http` step and of the HTTP ingest producer, through the real `flow` binary (release).
#   bash Benchmarks/http/run.sh          # EVENTS=100000 DURATION=10s CONNECTIONS=64 to change the load
# Targets (docs/performance.md): http step >= 10k events/s against a local keep-alive server; ingest >= 20k
# events/s from a local load generator (wrk with a Lua POST body).
#
# (a) The step posts to another `flow run` whose ingest producer is the keep-alive server (it answers 202 with
#     an empty body, so each event continues unchanged): EVENTS generated events, consumer concurrency 64.
# (b) wrk posts one structured CloudEvent per request to an ingest producer whose topic a `drop` consumer reads.
set -euo pipefail
cd "$(dirname "$0")/../.."

events=${EVENTS:-100000}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
scratch=${FLOW_BENCH_SCRATCH:-.build}

echo "run.sh: swift build -c release --product flow" >&2
swift build -c release --product flow --scratch-path "$scratch" >&2
flow="$scratch/release/flow"
if ! command -v wrk >/dev/null; then
    echo "run.sh: installing wrk" >&2
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# A free port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Waits until GET /healthz answers on port $1.
wait_healthy() {
    for _ in $(seq 1 200); do
        curl -fs "http://127.0.0.1:$1/healthz" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    echo "run.sh: nothing answers on port $1" >&2
    return 1
}
# Starts `flow run` on an ingest pipeline listening on port $1, topic capacity large enough never to refuse.
start_sink() {
    cat >"$work/sink-$1.yml" <<YAML
version: 1
name: sink
topics:
  inbox: { partitions: 2, capacity: 100000 }
producers:
  web: { to: inbox, http: { listen: "127.0.0.1:$1", path: /events } }
consumers:
  sink: { from: inbox, concurrency: 4, steps: [drop] }
YAML
    "$flow" run "$work/sink-$1.yml" --for 10m --log-level warning >"$work/sink-$1.out" 2>&1 &
    pids+=($!)
    wait_healthy "$1"
}

# (a) http step
port=$(free_port)
start_sink "$port"
cat >"$work/step.yml" <<YAML
version: 1
name: http-step
topics:
  orders: { partitions: 4, capacity: 4096 }
producers:
  load:
    to: orders
    generate:
      count: $events
      event: { type: OrderCreated, data: { n: "\${seq()}", customer: "c\${random_int(1, 100)}" } }
consumers:
  call:
    from: orders
    concurrency: 64
    timeout: 5s
    steps:
      - http: http://127.0.0.1:$port/events
YAML
start=$(date +%s.%N)
"$flow" run "$work/step.yml" --until-idle --log-level warning --report "$work/step.json" >"$work/step.out" 2>&1 \
    || { cat "$work/step.out" >&2; exit 1; }
end=$(date +%s.%N)
processed=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(c["processed"] for c in r["consumers"]))' "$work/step.json")
rate=$(python3 -c "print(round($processed / ($end - $start)))")
echo "http step: $processed events in $(python3 -c "print(round($end - $start, 2))") s (process start to exit) = $rate events/s"

# (b) ingest
port=$(free_port)
start_sink "$port"
cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/cloudevents+json"
wrk.body = '{"specversion":"1.0","id":"b-1","source":"wrk","type":"OrderCreated","data":{"order_id":"o-1","amount":12.5}}'
LUA
wrk -t2 -c"$connections" -d"$duration" -s "$work/post.lua" "http://127.0.0.1:$port/events" | tee "$work/wrk.out"
echo "ingest: $(awk '/Requests\/sec/ {print $2}' "$work/wrk.out") requests/s (each one event stored before the 202)"
if grep -q "Non-2xx" "$work/wrk.out"; then echo "ingest: some answers were not 2xx (503 = topic full)"; fi
