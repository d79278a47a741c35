#!/usr/bin/env bash
# Times `flow validate` (release build) beside `check-jsonschema` with the schema from `flow schema`, on a
# typical 50-line pipeline, a generated 1,000-consumer pipeline and the shipped pipelines/*.yml.
#   bash Benchmarks/validate/run.sh            # prints a table; figures go to docs/performance.md by hand
# Targets (docs/performance.md): <= 20 ms for 50 lines, <= 200 ms for 1,000 consumers.
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=${RUNS:-30}
scratch=${FLOW_BENCH_SCRATCH:-.build}

echo "run.sh: swift build -c release --product flow" >&2
swift build -c release --product flow --scratch-path "$scratch" >&2
flow="$scratch/release/flow"

if ! command -v hyperfine >/dev/null; then
    echo "run.sh: installing hyperfine" >&2
    { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; } || echo "run.sh: no hyperfine; timing with a loop" >&2
fi
if ! command -v check-jsonschema >/dev/null; then
    echo "run.sh: installing check-jsonschema" >&2
    python3 -m pip install --quiet check-jsonschema
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$flow" schema >"$work/schema.json"

# A typical pipeline: 50 lines, two topics with a dead-letter topic, a producer, three consumers.
cat >"$work/typical-50-lines.yml" <<'YAML'
version: 1
name: orders
description: checkout, payments and a dead-letter audit
defaults:
  timeout: 2s
  retry: { max_attempts: 5, backoff: exponential, initial: 100ms, max: 10s, jitter: full }
topics:
  orders: { partitions: 4, key: data.customer_id }
  payments: { partitions: 2, key: data.customer_id }
  orders.dlq: {}
producers:
  checkout:
    to: orders
    generate:
      count: 10000
      rate: 500/s
      event:
        type: OrderCreated
        data:
          order_id: "${uuid()}"
          customer_id: "${random_int(1, 50)}"
          amount: "${random_float(5, 500)}"
consumers:
  payment-service:
    from: orders
    group: payments
    concurrency: 4
    filter: type == "OrderCreated" && data.amount > 0
    dead_letter: orders.dlq
    circuit_breaker: { failures: 5, open_for: 30s }
    steps:
      - set: { data.total_cents: "${int(data.amount * 100)}" }
      - exec: [python3, handlers/pay.py]
      - emit: { to: payments, type: PaymentProcessed }
  ledger:
    from: payments
    dead_letter: orders.dlq
    steps:
      - route:
          - when: data.amount > 400
            steps:
              - log: { message: "large payment ${data.order_id}", level: notice }
          - steps:
              - log: "payment ${data.order_id}"
  dlq-audit:
    from: orders.dlq
    retry: { max_attempts: 1 }
    steps:
      - log: { message: "gave up on ${id}", level: warning }
      - drop
YAML

# 1,000 consumers over 100 topics, each with a filter, a retry policy, a dead-letter topic and three steps.
{
    echo "version: 1"
    echo "name: many-consumers"
    echo "topics:"
    for t in $(seq 0 99); do echo "  t$t: { partitions: 4, key: data.k }"; done
    echo "  dlq: {}"
    echo "producers:"
    for t in $(seq 0 99); do
        echo "  p$t: { to: t$t, generate: { count: 10, event: { type: E$t, data: { k: \"\${seq() % 8}\" } } } }"
    done
    echo "consumers:"
    for c in $(seq 0 999); do
        t=$((c % 100))
        cat <<YAML
  c$c:
    from: t$t
    filter: data.k != "3" && type == "E$t"
    retry: { max_attempts: 3, backoff: linear, initial: 10ms, max: 1s }
    dead_letter: dlq
    steps:
      - set: { data.seen: "\${attempt}" }
      - log: "c$c got \${id}"
      - drop: data.k == "7"
YAML
    done
    echo "  dlq-reader: { from: dlq, steps: [drop] }"
} >"$work/generated-1000-consumers.yml"

files=("$work/typical-50-lines.yml" "$work/generated-1000-consumers.yml" pipelines/*.yml)
for file in "${files[@]}"; do
    "$flow" validate --strict "$file" >/dev/null || { echo "run.sh: $file does not validate" >&2; exit 1; }
    check-jsonschema --schemafile "$work/schema.json" "$file" >/dev/null \
        || { echo "run.sh: $file fails check-jsonschema" >&2; exit 1; }
done

# Mean wall time of a command in milliseconds.
mean_ms() {
    if command -v hyperfine >/dev/null; then
        hyperfine --style none --warmup 3 --runs "$runs" --export-json "$work/h.json" "$1" >/dev/null 2>&1
        python3 -c "import json,sys; print('%.1f' % (json.load(open(sys.argv[1]))['results'][0]['mean'] * 1000))" \
            "$work/h.json"
    else
        local start end
        bash -c "$1" >/dev/null 2>&1 || true
        start=$(date +%s%N)
        for _ in $(seq "$runs"); do bash -c "$1" >/dev/null 2>&1 || true; done
        end=$(date +%s%N)
        python3 -c "print('%.1f' % (($end - $start) / $runs / 1e6))"
    fi
}

printf '%-32s %6s %14s %20s %7s\n' "file" "lines" "flow validate" "check-jsonschema" "ratio"
printf '%-32s %6s %14s %20s %7s\n' "----" "-----" "-------------" "----------------" "-----"
for file in "${files[@]}"; do
    flow_ms=$(mean_ms "$flow validate $file")
    check_ms=$(mean_ms "check-jsonschema --schemafile $work/schema.json $file")
    ratio=$(python3 -c "print('%.0fx' % ($check_ms / $flow_ms))")
    printf '%-32s %6s %11s ms %17s ms %7s\n' "$(basename "$file")" "$(wc -l <"$file")" "$flow_ms" "$check_ms" "$ratio"
done
echo "(mean of $runs runs each; $(nproc) cores; $(swift --version 2>/dev/null | head -1))"
