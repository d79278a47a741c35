#!/usr/bin/env bash
# flow's Redis backend beside the memory broker, a raw pipelined Redis Streams loop and Dramatiq, in one run,
# on a redis-server this script starts (127.0.0.1, a free port, no persistence) and stops by its pid:
#   bash Benchmarks/redis/run.sh                       # 200k events per flow scenario, 5k Dramatiq messages
#   EVENTS=500000 MESSAGES=10000 bash Benchmarks/redis/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

events=${EVENTS:-200000}
messages=${MESSAGES:-5000}
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
python3 -c "import redis, dramatiq" 2>/dev/null || python3 -m pip install --quiet redis==8.1.0 'dramatiq[redis]==2.2.1'

directory=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --bind 127.0.0.1 --port "$port" --dir "$directory" --save '' --appendonly no --daemonize no \
    --loglevel warning >"$directory/log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$directory"' EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done

echo "run.sh: swift build -c release --product flow-bench" >&2
swift build -c release --product flow-bench >&2
echo "redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on 127.0.0.1:$port"
.build/release/flow-bench redis --count "$events" --url "redis://127.0.0.1:$port/0"
python3 Benchmarks/redis/raw_loop.py "$port" "$events"
python3 Benchmarks/redis/dramatiq_peer.py "$port" "$messages"
