#!/usr/bin/env bash
# flow's Redis backend with 1, 2 and 3 consumer processes sharing one pipeline, beside the raw pipelined
# Redis Streams loop (Python) in the same run, on a redis-server this script starts (127.0.0.1, a free port,
# no persistence) and stops by its pid. Per row: one `flow run --only shop` process stores the events, then
# N `flow run --only consumers --until-idle` processes handle them; events/s is the events over the wall time
# from the consumers' start until the last one ended (start-up included); "redis busy" is the server's CPU
# time over that wall time (100 % is one core), "machine busy" the share of all cores in use meanwhile.
#   bash Benchmarks/redis/scale.sh                  # 200k events per row
#   EVENTS=500000 PROCESSES="1 2 3 4" bash Benchmarks/redis/scale.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

events=${EVENTS:-200000}
processes=${PROCESSES:-1 2 3}
python3 -c "import redis" 2>/dev/null || python3 -m pip install --quiet redis==8.1.0
source Benchmarks/redis/server.sh

echo "scale.sh: swift build -c release --product flow" >&2
swift build -c release --product flow >&2
flow=.build/release/flow

# One pipeline per shape: every event fits the topic, so the producer never waits for the consumers.
pipeline() { # NAME PARTITIONS CONCURRENCY
    cat >"$directory/$1.yml" <<EOF
version: 1
name: $1
topics:
  events: { partitions: $2, key: data.k, capacity: $events }
producers:
  shop:
    to: events
    generate:
      count: $events
      event: { type: Bench, data: { k: "k\${seq() % 64}", n: "\${seq()}" } }
consumers:
  handle:
    from: events
    concurrency: $3
    steps:
      - log: { message: "event \${data.n}", level: debug }
EOF
}
pipeline one-to-one 1 1
pipeline keyed 4 4

# The server's CPU time so far, in seconds (user + system, from /proc): how busy Redis was during a row.
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$pid/stat"; }
# The machine's busy and total CPU time so far, in ticks (every core, from /proc/stat).
machine_cpu() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat; }

echo "redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on 127.0.0.1:$port, $events events per row"
printf '%-11s %9s %10s %8s %12s %15s\n' shape processes events/s seconds "redis busy" "machine busy"
for shape in one-to-one keyed; do
    for n in $processes; do
        redis-cli -p "$port" FLUSHDB >/dev/null
        broker="redis://127.0.0.1:$port/0"
        # Fill the topic first, so the rows measure the consumers (a lone producer process is its own limit):
        # the producer waits for the consumers' groups with --until-idle, so it is stopped once all is stored.
        "$flow" run "$directory/$shape.yml" --broker "$broker" --only shop --until-idle --log-level error \
            --no-progress >"$directory/$shape-$n-shop.out" 2>&1 &
        shop=$!
        for _ in $(seq 6000); do
            [[ $(redis-cli -p "$port" HGET "flow:{$shape}:t:events" published) == "$events" ]] && break
            sleep 0.05
        done
        kill -TERM "$shop"
        wait "$shop" || true
        server_before=$(server_cpu)
        read -r busy_before total_before <<<"$(machine_cpu)"
        start=$(date +%s.%N)
        pids=()
        for i in $(seq "$n"); do
            "$flow" run "$directory/$shape.yml" --broker "$broker" --only consumers --until-idle \
                --log-level error --no-progress >"$directory/$shape-$n-$i.out" 2>&1 &
            pids+=($!)
        done
        for p in "${pids[@]}"; do
            wait "$p" || { echo "scale.sh: a flow process failed:" >&2; cat "$directory/$shape-$n-"*.out >&2; exit 1; }
        done
        end=$(date +%s.%N)
        server_after=$(server_cpu)
        read -r busy_after total_after <<<"$(machine_cpu)"
        python3 -c "s = $end - $start; busy = ($server_after - $server_before) / s * 100
machine = ($busy_after - $busy_before) / ($total_after - $total_before) * 100
print('%-11s %9d %10.0f %8.2f %11.0f%% %14.0f%%' % ('$shape', $n, $events / s, s, busy, machine))"
    done
done
python3 Benchmarks/redis/raw_loop.py "$port" "$events"
